import {
  changePartition,
  getBreakdown,
  getWatermark,
  invalidateCache,
  ingestTransactions,
  refreshMonth,
  TRANSACTIONS_STREAM,
  transactionInputSchema,
  type EventOf,
  type transactionsChanged,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import {
  createDatabase,
  ensureBinaries,
  ensurePgBouncer,
  freePort,
  provisionsPeer,
  startNats,
  startPgBouncer,
  type RunningNats,
  type RunningPgBouncer,
  waitFor,
} from '@ledgerline/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { DataSource } from 'typeorm';
// Both services in one process, each through PgBouncer: the point is their write path together.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as IngestionModule } from '../../../ingestion/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadIngestionConfig } from '../../../ingestion/src/config';
import { AppModule as AggregationModule } from '../app.module';
import { loadAggregationConfig } from '../config';
import { changesConsumerOf } from './change-consumer';
import { RollupsService } from './rollups.service';

type ChangeEvent = EventOf<typeof transactionsChanged>;

const logger = pino({ level: 'silent' });
const DATABASE = 'pgbouncer_it';
/** PgBouncer's server connections for the services' (user, database): fewer than the writers below. */
const POOL_SIZE = 4;
const MONTH = '2026-10';
/** A row as the gateway sends it: validated, defaults filled in. */
const row = (externalId: string, amount: string, category = 'Groceries') =>
  transactionInputSchema.parse({ date: `${MONTH}-05`, amount, category, externalId });

describe('ingestion and aggregation through PgBouncer in transaction-pooling mode', () => {
  const tenantId = randomUUID();
  /** aggregation's durable consumer of this tenant's partition of the transactions stream (change-consumer.ts). */
  const CHANGES_CONSUMER = changesConsumerOf(changePartition(tenantId));
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-pgbouncer-it-'));
  let nats: RunningNats;
  let bouncer: RunningPgBouncer;
  let peer: NatsBus;
  let ingestion: INestApplication;
  let aggregation: INestApplication;
  let directUrl: string;

  const breakdown = () => peer.request(getBreakdown, { tenantId, month: MONTH });
  // A write is answered on commit; the rollups hold it once the tenant's watermark reached its version.
  const appliedUpTo = (version: string) =>
    waitFor(`the rollups to reach version ${version}`, async () => {
      const { version: watermark } = await peer.request(getWatermark, { tenantId });
      return BigInt(watermark) >= BigInt(version);
    });

  /** PostgreSQL backends serving the services' database, counted on a direct connection. */
  async function serverConnections(): Promise<number> {
    const admin = new Client({ connectionString: process.env.IT_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
        [DATABASE],
      );
      return rows[0]?.n ?? 0;
    } finally {
      await admin.end();
    }
  }

  beforeAll(async () => {
    // A NATS of its own: aggregation's durable consumer must not apply the changes other specs publish.
    nats = await startNats(ensureBinaries().natsServer, await freePort(), join(dir, 'nats'), dir);
    directUrl = await createDatabase(process.env.IT_DATABASE_URL as string, DATABASE);
    const admin = new Client({ connectionString: directUrl });
    await admin.connect();
    // PgBouncer drops the timeouts node-pg sends at startup: the server-side bound comes from the database's settings.
    await admin.query(`ALTER DATABASE ${DATABASE} SET statement_timeout = '1500ms'`);
    await admin.query(`ALTER DATABASE ${DATABASE} SET idle_in_transaction_session_timeout = '10s'`);
    await admin.end();
    const postgres = new URL(directUrl);
    bouncer = await startPgBouncer(
      {
        binary: ensurePgBouncer(),
        port: await freePort(),
        postgres: { host: postgres.hostname, port: Number(postgres.port) },
        poolSize: POOL_SIZE,
      },
      dir,
    );
    const env = { DATABASE_URL: bouncer.urlFor(directUrl), NATS_URL: nats.url, PORT: '0' };

    peer = await provisionsPeer(nats.url, { requestTimeoutMs: 10_000 });
    // …and the cache-gateway, which confirms invalidations (a write is applied once its caches are confirmed).
    peer.serve(invalidateCache, async () => ({ invalidated: true as const }));
    await peer.connection.flush();
    ingestion = await createHttpApp({
      module: IngestionModule.forRoot(loadIngestionConfig(env), logger),
      logger,
      host: '127.0.0.1',
      port: 0,
    });
    aggregation = await createHttpApp({
      module: AggregationModule.forRoot(loadAggregationConfig(env), logger),
      logger,
      host: '127.0.0.1',
      port: 0,
    });
    await ingestion.init();
    await aggregation.init();
  });

  afterAll(async () => {
    await aggregation?.close();
    await ingestion?.close();
    await peer?.close();
    await bouncer?.stop();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ran both schemas’ migrations through PgBouncer and keeps the server-side statement bound', async () => {
    const ingestionDb = ingestion.get(DataSource);
    const aggregationDb = aggregation.get(DataSource);
    const [ran] = (await ingestionDb.query('SELECT count(*)::int AS n FROM ingestion.migrations')) as { n: number }[];
    const [ranToo] = (await aggregationDb.query('SELECT count(*)::int AS n FROM aggregation.migrations')) as { n: number }[];
    expect(ran?.n).toBeGreaterThan(0);
    expect(ranToo?.n).toBeGreaterThan(0);
    // The statement_timeout node-pg asked for at startup never reached PostgreSQL; the database's own did.
    await expect(ingestionDb.query('SHOW statement_timeout')).resolves.toEqual([{ statement_timeout: '1500ms' }]);
    await expect(ingestionDb.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ driverError: { code: '57014' } });
  });

  it('commits a write, relays it and applies it once, however often it is delivered', async () => {
    await expect(
      peer.request(ingestTransactions, { tenantId, batch: { transactions: [row('a-1', '-12.50'), row('a-2', '-7.25', 'Dining')] } }),
    ).resolves.toEqual({ accepted: 2, duplicates: 0, version: '1' });
    await appliedUpTo('1');
    const before = await breakdown();
    expect(before.total).toBe('-19.75');

    // The change the relay published, delivered again: recognised by its version, not applied again.
    const js = jetstream(peer.connection);
    const message = await (await js.consumers.get(TRANSACTIONS_STREAM.name)).next({ expires: 5_000 });
    const event = message?.json<ChangeEvent>();
    expect(event).toMatchObject({ tenantId, version: '1' });
    await expect(aggregation.get(RollupsService).apply(event as ChangeEvent)).resolves.toBe('duplicate');
    // And through the stream, as a copy the dedupe window missed: aggregation's consumer takes it and acks it.
    await js.publish(message?.subject as string, message?.data);
    const jsm = await jetstreamManager(peer.connection);
    await waitFor('aggregation to take the redelivered change', async () => {
      const info = await jsm.consumers.info(TRANSACTIONS_STREAM.name, CHANGES_CONSUMER);
      return info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq === 2;
    });
    await expect(breakdown()).resolves.toEqual(before);
  });

  it('rebuilds a month, with its rows asked of ingestion, equal to the incremental rollups', async () => {
    const incremental = await breakdown();
    await expect(peer.request(refreshMonth, { tenantId, month: MONTH })).resolves.toMatchObject({ month: MONTH });
    await expect(breakdown()).resolves.toEqual(incremental);
  });

  it('lands 20 concurrent writers on fewer server connections, each applied once', async () => {
    const writers = Array.from({ length: 20 }, (_, i) =>
      peer.request(ingestTransactions, { tenantId, batch: { transactions: [row(`c-${i}`, '-1.00')] } }),
    );
    const results = await Promise.all(writers);
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    expect(results.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    await appliedUpTo('21');

    const incremental = await breakdown();
    expect(incremental.total).toBe('-39.75');
    expect(incremental.categories.find((c) => c.category === 'Groceries')).toMatchObject({ count: 21, total: '-32.50' });
    await peer.request(refreshMonth, { tenantId, month: MONTH });
    await expect(breakdown()).resolves.toEqual(incremental);
    // Transaction pooling: every client of both services shared PgBouncer's few server connections.
    expect(await serverConnections()).toBeLessThanOrEqual(POOL_SIZE);
  });
});
