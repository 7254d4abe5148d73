import { getBreakdown, getMonthSource, invalidateCache, type MonthSource } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { createDatabase, ensureBinaries, freePort, oneRowAdded, provisionsPeer, startNats, type RunningNats } from '@ledgerline/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AppModule } from '../app.module';
import { loadAggregationConfig } from '../config';
import { RollupsRepository } from './rollups.repository';
import { RollupsService } from './rollups.service';

const logger = pino({ level: 'silent' });
const MONTH = '2026-11';

const change = (tenantId: string, version: number, cents: number) => oneRowAdded(tenantId, String(version), MONTH, cents);

/** MONTH's rows as ingestion would fold them, reflecting changes up to `version`. */
function source(version: number, amounts: readonly number[]): MonthSource {
  const total = String(amounts.reduce((a, b) => a + b, 0));
  return {
    version: String(version),
    categories: [
      {
        category: 'Groceries',
        subcategory: 'Other',
        expenseType: 'VARIABLE',
        count: amounts.length,
        totalCents: total,
        minCents: String(Math.min(...amounts)),
        maxCents: String(Math.max(...amounts)),
      },
    ],
    members: [],
    memberCategories: [],
    totals: { count: amounts.length, totalCents: total, fixedCents: '0', excludedCount: 0, rows: amounts.length },
  };
}

/**
 * Two aggregation replicas on one database, applying changes handed to them
 * directly (no stream): a change that only adds is applied in one statement
 * on top of the replica's last apply, gated on the tenant still being where
 * that apply left it; whatever moved the tenant meanwhile — another replica's
 * apply, a month rebuilt from the raw rows — sends it the locked way, and
 * nothing is counted twice.
 */
describe('applying changes on top of the last apply', () => {
  const tenantId = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-apply-it-'));
  let nats: RunningNats;
  let peer: NatsBus;
  let replicas: INestApplication[] = [];
  let monthSource: MonthSource | undefined;

  const groceries = async () => {
    const breakdown = await peer.request(getBreakdown, { tenantId, month: MONTH });
    return breakdown.categories.find((c) => c.category === 'Groceries');
  };
  const service = (replica: number) => (replicas[replica] as INestApplication).get(RollupsService);
  /** The gated statements run from now on (by whichever replica the test drives), and whether each wrote. */
  const gated = () => jest.spyOn(RollupsRepository.prototype, 'applyIfAt');

  beforeAll(async () => {
    // A NATS of its own: aggregation's durable consumer must not apply the changes other specs publish.
    nats = await startNats(ensureBinaries().natsServer, await freePort(), join(dir, 'nats'), dir);
    const databaseUrl = await createDatabase(process.env.IT_DATABASE_URL as string, 'apply_it');
    peer = await provisionsPeer(nats.url);
    // The cache-gateway and ingestion, as far as applies and rebuilds ask them.
    peer.serve(invalidateCache, async () => ({ invalidated: true as const }));
    peer.serve(getMonthSource, async () => {
      if (!monthSource) throw new Error('no month source set');
      return monthSource;
    });
    await peer.connection.flush();
    const config = loadAggregationConfig({ DATABASE_URL: databaseUrl, NATS_URL: nats.url, PORT: '0' });
    for (let i = 0; i < 2; i++) {
      const app = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
      await app.init();
      replicas.push(app);
    }
  });

  afterAll(async () => {
    for (const app of replicas) await app.close();
    replicas = [];
    await peer?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('applies changes that only add in one gated statement once it has applied the tenant once', async () => {
    const statements = gated();
    await expect(service(0).apply(change(tenantId, 1, -1_000))).resolves.toBe('applied');
    expect(statements).not.toHaveBeenCalled(); // nothing known of the tenant yet: the locked way
    await expect(service(0).apply(change(tenantId, 2, -250))).resolves.toBe('applied');
    await expect(service(0).apply(change(tenantId, 3, -5))).resolves.toBe('applied');
    await expect(Promise.all(statements.mock.results.map((r) => r.value))).resolves.toEqual([true, true]);
    await expect(groceries()).resolves.toMatchObject({ count: 3, total: '-12.55' });
  });

  it('another replica applied meanwhile: the gated statement writes nothing and the change is a duplicate', async () => {
    await expect(service(1).apply(change(tenantId, 4, -100))).resolves.toBe('applied');
    const statements = gated();
    // Replica 0 still thinks the tenant is at 3: version 4 would continue it, but the gate finds 4.
    await expect(service(0).apply(change(tenantId, 4, -100))).resolves.toBe('duplicate');
    await expect(Promise.all(statements.mock.results.map((r) => r.value))).resolves.toEqual([false]);
    await expect(groceries()).resolves.toMatchObject({ count: 4, total: '-13.55' });
  });

  it('a month rebuilt meanwhile already holds the changes its rows had: they are not added again', async () => {
    await expect(service(0).apply(change(tenantId, 5, -1))).resolves.toBe('applied'); // on top again after the re-read
    // Ingestion's rows already hold changes 6 and 7, not applied yet; replica 1 rebuilds the month from them.
    monthSource = source(7, [-1_000, -250, -5, -100, -1, -2, -3]);
    await service(1).refresh(tenantId, MONTH);
    const statements = gated();
    await expect(service(0).apply(change(tenantId, 6, -2))).resolves.toBe('applied');
    await expect(service(0).apply(change(tenantId, 7, -3))).resolves.toBe('applied');
    await expect(groceries()).resolves.toMatchObject({ count: 7, total: '-13.61' });
    // The first found the tenant moved (the rebuild's generation); the second went the locked way too,
    // because its month's rebuild is past the watermark; the next is on top again.
    await expect(service(0).apply(change(tenantId, 8, -4))).resolves.toBe('applied');
    await expect(Promise.all(statements.mock.results.map((r) => r.value))).resolves.toEqual([false, true]);
    await expect(groceries()).resolves.toMatchObject({ count: 8, total: '-13.65' });
  });
});
