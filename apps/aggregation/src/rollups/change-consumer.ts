import {
  CHANGE_PARTITIONS,
  changePartitionSubject,
  LEGACY_CHANGE_SUBJECT,
  TRANSACTIONS_STREAM,
  transactionsChanged,
} from '@ledgerline/contracts';
import { DurableConsumer, NatsBus, UnprocessableMessage } from '@ledgerline/messaging';
import { LOGGER } from '@ledgerline/runtime';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pino from 'pino';
import type { DataSource } from 'typeorm';
import type { AggregationConfig } from '../config';
import { AGGREGATION_CONFIG } from '../tokens';
import { PartitionLeases } from './partition-leases';
import { RollupsService } from './rollups.service';

/** Changes of one partition handed to the rollups at once: what piles up for one tenant meanwhile becomes one batch. */
const MAX_IN_FLIGHT = 512;
/** The durable consumer that took every change before partitioning; it now takes only the old subject's. */
export const LEGACY_CHANGES_CONSUMER = 'aggregation-rollups';
/**
 * This replica in the lease table: host and HTTP port, which no two live processes share. A process that
 * crashed and was restarted in place (a container restart keeps the pod's name) is the same replica and
 * resumes its leases at once instead of waiting out their TTL. On an ephemeral port (tests), a name of its own.
 */
export const replicaName = (port: number): string =>
  port > 0 ? `${hostname()}:${port}` : `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

/** Partition k's durable consumer of the TRANSACTIONS stream. */
export const changesConsumerOf = (partition: number): string => `aggregation-rollups-p${partition}`;

/**
 * The one path of a committed change into the rollups: ingestion's outbox relays it to JetStream on its
 * tenant's partition subject, and the replica holding that partition's lease (partition-leases.ts) pulls it
 * (many at a time); the rollups apply each tenant's pending changes together, in version order. A tenant's
 * changes thus reach one replica at a time, and its batches are not split across replicas racing for its
 * watermark. Whoever holds partition 0 also drains the pre-partitioning subject (entries an older ingestion
 * left in its outbox or the stream at an upgrade).
 */
@Injectable()
export class ChangeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly consumers = new Map<number, DurableConsumer[]>();
  private readonly leases: PartitionLeases;

  constructor(
    private readonly bus: NatsBus,
    private readonly rollups: RollupsService,
    @InjectDataSource() db: DataSource,
    @Inject(AGGREGATION_CONFIG) config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {
    this.leases = new PartitionLeases({
      db,
      replica: replicaName(config.PORT),
      partitions: CHANGE_PARTITIONS,
      heartbeatMs: config.CHANGE_HEARTBEAT_MS,
      ttlMs: config.CHANGE_LEASE_TTL_MS,
      logger,
      acquired: (partition) => this.consume(partition),
      lost: (partition) => this.release(partition),
    });
  }

  /** Partitions this replica consumes now. */
  get partitions(): number[] {
    return this.leases.owned;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.leases.start();
  }

  /** Before the database pools and NATS close: stop consuming, then hand the leases back for another replica. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.leases.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leases.stop();
  }

  private consume(partition: number): void {
    const subjects: [string, string][] = [[changesConsumerOf(partition), changePartitionSubject(partition)]];
    if (partition === 0) subjects.push([LEGACY_CHANGES_CONSUMER, LEGACY_CHANGE_SUBJECT]);
    const consumers = subjects.map(([durable, filterSubject]) => this.consumer(durable, filterSubject));
    this.consumers.set(partition, consumers);
    for (const consumer of consumers) consumer.start();
  }

  /** Stops pulling the partition and lets the messages handed out settle. */
  private async release(partition: number): Promise<void> {
    const consumers = this.consumers.get(partition) ?? [];
    this.consumers.delete(partition);
    await Promise.all(consumers.map((c) => c.stop()));
  }

  private consumer(durable: string, filterSubject: string): DurableConsumer {
    return new DurableConsumer({
      connection: this.bus.connection,
      stream: TRANSACTIONS_STREAM,
      durable,
      filterSubject,
      // One FAULTS target for every partition.
      faultTarget: transactionsChanged.subject,
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
  }
}
