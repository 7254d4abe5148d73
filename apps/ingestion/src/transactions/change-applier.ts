import { applyTransactionsChange, type EventOf, type transactionsChanged } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { INGESTION_LOGGER } from '../logger.token';

export type ChangeEvent = EventOf<typeof transactionsChanged>;

/**
 * Read-your-writes: after a commit, hand the change to aggregation and wait
 * (bounded) until it is in the rollups. On timeout or while aggregation is
 * down the write still stands — the outbox delivers the same event later —
 * and the caller is told `applied: false`.
 */
@Injectable()
export class ChangeApplier {
  constructor(
    private readonly bus: NatsBus,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(INGESTION_LOGGER) private readonly logger: pino.Logger,
  ) {}

  async apply(event: ChangeEvent | undefined): Promise<boolean> {
    if (!event) return true;
    try {
      await this.bus.request(applyTransactionsChange, event, { timeoutMs: this.config.APPLY_TIMEOUT_MS });
      return true;
    } catch (err) {
      this.logger.warn({ eventId: event.eventId, err: (err as Error).message }, 'change committed but not applied yet');
      return false;
    }
  }
}
