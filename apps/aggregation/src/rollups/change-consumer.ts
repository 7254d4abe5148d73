import { TRANSACTIONS_STREAM, transactionsChanged } from '@ledgerline/contracts';
import { DurableConsumer, NatsBus, UnprocessableMessage } from '@ledgerline/messaging';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { LOGGER } from '@ledgerline/runtime';
import { RollupsService } from './rollups.service';

/** Changes handed to the rollups at once: what piles up for one tenant meanwhile becomes one batch. */
const MAX_IN_FLIGHT = 512;

/**
 * The one path of a committed change into the rollups: ingestion's outbox
 * relays it to JetStream, this consumer pulls it (many at a time) and the
 * rollups apply each tenant's pending changes together, in version order.
 */
@Injectable()
export class ChangeConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: DurableConsumer | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly rollups: RollupsService,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer({
      connection: this.bus.connection,
      stream: TRANSACTIONS_STREAM,
      durable: 'aggregation-rollups',
      logger: this.logger,
      maxInFlight: MAX_IN_FLIGHT,
      handle: async (data) => {
        const event = transactionsChanged.payload.safeParse(data);
        if (!event.success) throw new UnprocessableMessage(`not a ${transactionsChanged.subject} event: ${event.error.message}`);
        await this.rollups.apply(event.data);
      },
      onDeadLetter: async (data) => {
        const event = transactionsChanged.payload.safeParse(data);
        if (event.success) await this.rollups.skip(event.data);
      },
    });
    this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
