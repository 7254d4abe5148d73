import { TRANSACTIONS_STREAM, transactionsChanged } from '@ledgerline/contracts';
import { DurableConsumer, NatsBus } from '@ledgerline/messaging';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { AGGREGATION_LOGGER } from '../tokens';
import { RollupsService } from './rollups.service';

/**
 * The durable path: every committed change reaches the rollups through
 * JetStream, also when the fast path (ingestion's direct request) failed.
 */
@Injectable()
export class ChangeConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: DurableConsumer | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly rollups: RollupsService,
    @Inject(AGGREGATION_LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer({
      connection: this.bus.connection,
      stream: TRANSACTIONS_STREAM,
      durable: 'aggregation-rollups',
      logger: this.logger,
      handle: async (data) => {
        await this.rollups.apply(transactionsChanged.payload.parse(data));
      },
    });
    this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
