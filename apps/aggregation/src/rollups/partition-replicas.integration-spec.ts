import {
  changePartition,
  changeSubjectOf,
  getBreakdown,
  getWatermark,
  ingestTransactions,
  invalidateCache,
  refreshMonth,
  TRANSACTIONS_STREAM,
  transactionInputSchema,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { createDatabase, ensureBinaries, freePort, provisionsPeer, startNats, type RunningNats, waitFor } from '@ledgerline/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
// The write path end to end needs ingestion in the same process, as in the PgBouncer spec.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as IngestionModule } from '../../../ingestion/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadIngestionConfig } from '../../../ingestion/src/config';
import { AppModule as AggregationModule } from '../app.module';
import { loadAggregationConfig } from '../config';
import { ChangeConsumer, changesConsumerOf } from './change-consumer';
import { ChangeOutOfOrder, RollupsService } from './rollups.service';

const logger = pino({ level: 'silent' });
const MONTH = '2026-11';
const WRITERS = 40;
const row = (externalId: string, amount: string) =>
  transactionInputSchema.parse({ date: `${MONTH}-07`, amount, category: 'Groceries', externalId });

/**
 * Two aggregation replicas share the change stream's partitions: a burst of one tenant's writes is
 * consumed by the one replica holding its partition, so none is refused as out of order (the other
 * replica never races it for the tenant's watermark), and the totals are exact.
 */
describe('two aggregation replicas consuming the partitioned change stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-partitions-it-'));
  let nats: RunningNats;
  let peer: NatsBus;
  let ingestion: INestApplication;
  const replicas: INestApplication[] = [];
  /** Per replica, the tenants whose changes it was handed, and every out-of-order refusal. */
  const handled = [new Set<string>(), new Set<string>()];
  const refusals: { replica: number; tenantId: string; version: number }[] = [];

  /** The tenant's versions in the order its partition's stream holds them. */
  async function streamOrder(tenantId: string): Promise<number[]> {
    const consumer = await jetstream(peer.connection).consumers.get(TRANSACTIONS_STREAM.name, {
      filter_subjects: changeSubjectOf(tenantId),
    });
    const versions: number[] = [];
    for (;;) {
      const msg = await consumer.next({ expires: 1_000 });
      if (!msg) break;
      const event = msg.json<{ tenantId: string; version: string }>();
      if (event.tenantId === tenantId) versions.push(Number(event.version));
      if (msg.info.pending === 0) break;
    }
    return versions;
  }

  /** Versions the stream holds ahead of an earlier one: ingestion's writers publishing their own changes raced. */
  const overtakers = (order: readonly number[]) => order.filter((v, i) => order.slice(i + 1).some((later) => later < v));

  beforeAll(async () => {
    nats = await startNats(ensureBinaries().natsServer, await freePort(), join(dir, 'nats'), dir);
    const url = await createDatabase(process.env.IT_DATABASE_URL as string, 'partition_replicas_it');
    const env = { DATABASE_URL: url, NATS_URL: nats.url, PORT: '0', CHANGE_HEARTBEAT_MS: '200', CHANGE_LEASE_TTL_MS: '2000' };
    peer = await provisionsPeer(nats.url, { requestTimeoutMs: 15_000 });
    peer.serve(invalidateCache, async () => ({ invalidated: true as const }));
    await peer.connection.flush();
    ingestion = await createHttpApp({
      module: IngestionModule.forRoot(loadIngestionConfig(env), logger),
      logger,
      host: '127.0.0.1',
      port: 0,
    });
    await ingestion.init();
    for (let i = 0; i < 2; i++) {
      const app = await createHttpApp({
        module: AggregationModule.forRoot(loadAggregationConfig(env), logger),
        logger,
        host: '127.0.0.1',
        port: 0,
      });
      await app.init();
      replicas.push(app);
      // Observed, not replaced: every change this replica applies passes through here.
      const rollups = app.get(RollupsService);
      const apply = rollups.apply.bind(rollups);
      jest.spyOn(rollups, 'apply').mockImplementation(async (event) => {
        handled[i]?.add(event.tenantId);
        try {
          return await apply(event);
        } catch (err) {
          if (err instanceof ChangeOutOfOrder) refusals.push({ replica: i, tenantId: event.tenantId, version: Number(event.version) });
          throw err;
        }
      });
    }
    // A stale lease table from an earlier run expires first; then the two split the partitions.
    await waitFor(
      'the replicas to split the partitions',
      async () => replicas.every((r) => r.get(ChangeConsumer).partitions.length === 8),
      20_000,
      50,
    );
  });

  afterAll(async () => {
    for (const app of replicas) await app.close();
    await ingestion?.close();
    await peer?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A write is answered on commit: the rollups hold it once the tenant's watermark reached its version. */
  const appliedUpTo = (tenantId: string, version: string) =>
    waitFor(
      `tenant ${tenantId}'s rollups to reach version ${version}`,
      async () => BigInt((await peer.request(getWatermark, { tenantId })).version) >= BigInt(version),
      10_000,
      20,
    );

  /** A tenant whose partition the given replica holds. */
  function tenantOf(replica: number): string {
    const owned = new Set(replicas[replica]?.get(ChangeConsumer).partitions);
    for (;;) {
      const tenant = randomUUID();
      if (owned.has(changePartition(tenant))) return tenant;
    }
  }

  it('applies a burst of one tenant’s changes on one replica, in order, with exact totals', async () => {
    const tenants = [tenantOf(0), tenantOf(1)];
    // The outbox relay's first pass makes it caught up: writers then publish their own changes.
    await peer.request(ingestTransactions, { tenantId: randomUUID(), batch: { transactions: [row('warm-up', '-1.00')] } });
    const results = await Promise.all(
      tenants.flatMap((tenantId) =>
        Array.from({ length: WRITERS }, (_, i) =>
          peer.request(ingestTransactions, { tenantId, batch: { transactions: [row(`burst-${i}`, `-${i + 1}.25`)] } }),
        ),
      ),
    );
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    for (const tenantId of tenants) await appliedUpTo(tenantId, String(WRITERS));
    // A change is refused only when the stream itself holds one of the tenant's changes ahead of its
    // predecessor (two of ingestion's writers publishing their own commits raced, as the relay documents;
    // the refusal then holds up its successors too until it is back), and only by the replica owning the
    // tenant's partition: never because another replica took the tenant's watermark first.
    for (const [owner, tenantId] of tenants.entries()) {
      const order = await streamOrder(tenantId);
      const refused = refusals.filter((r) => r.tenantId === tenantId);
      expect({ tenantId, refusedWhileStreamInOrder: refused.length > 0 && overtakers(order).length === 0, order }).toMatchObject({
        refusedWhileStreamInOrder: false,
      });
      expect(refused.filter((r) => r.replica !== owner)).toEqual([]);
    }
    expect([...(handled[0] ?? [])].filter((t) => tenants.includes(t))).toEqual([tenants[0]]);
    expect([...(handled[1] ?? [])].filter((t) => tenants.includes(t))).toEqual([tenants[1]]);

    // Sum of -(i + 1.25) for i < 40: -(820 + 10) = -830.00.
    for (const tenantId of tenants) {
      const incremental = await peer.request(getBreakdown, { tenantId, month: MONTH });
      expect(incremental.total).toBe('-830.00');
      await peer.request(refreshMonth, { tenantId, month: MONTH });
      await expect(peer.request(getBreakdown, { tenantId, month: MONTH })).resolves.toEqual(incremental);
    }
    // Nothing was handed out twice but what was refused: no other nak, no redelivery.
    const jsm = await jetstreamManager(peer.connection);
    for (const tenantId of tenants) {
      const info = await jsm.consumers.info(TRANSACTIONS_STREAM.name, changesConsumerOf(changePartition(tenantId)));
      expect(info.num_redelivered).toBeLessThanOrEqual(refusals.filter((r) => r.tenantId === tenantId).length);
    }
  });

  it('hands a stopped replica’s partitions to the other, which keeps applying them', async () => {
    const tenantId = tenantOf(0);
    await (replicas.shift() as INestApplication).close();
    await waitFor(
      'the other replica to own every partition',
      async () => replicas[0]?.get(ChangeConsumer).partitions.length === 16,
      5_000,
      50,
    );
    const result = await peer.request(ingestTransactions, { tenantId, batch: { transactions: [row('after', '-3.00')] } });
    expect(result).toMatchObject({ accepted: 1, version: '1' });
    await appliedUpTo(tenantId, '1');
    const db = replicas[0]?.get(DataSource) as DataSource;
    const [lease] = (await db.query('SELECT owner IS NOT NULL AS held FROM aggregation.change_partitions WHERE partition = $1', [
      changePartition(tenantId),
    ])) as { held: boolean }[];
    expect(lease?.held).toBe(true);
  });
});
