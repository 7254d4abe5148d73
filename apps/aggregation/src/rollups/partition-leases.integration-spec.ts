import { dataSourceOptions, migrateSchema } from '@ledgerline/database';
import { metricsRegistry } from '@ledgerline/runtime';
import { createDatabase, waitFor } from '@ledgerline/testing';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { PartitionLeases } from './partition-leases';

const PARTITIONS = 16;
const HEARTBEAT_MS = 200;
const TTL_MS = 2_000;
const logger = pino({ level: 'silent' });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Two or three lease owners against one real PostgreSQL, as aggregation replicas run them: each partition
 * is consumed by one of them at a time, they share evenly, a graceful stop hands over within a heartbeat
 * or two, a crashed owner's partitions are taken over once its leases expire.
 */
describe('partition leases', () => {
  let url: string;
  const sources: DataSource[] = [];
  const owners: PartitionLeases[] = [];
  /** Who consumes each partition now (between `acquired` and the end of `lost`), and every overlap seen. */
  const consuming = new Map<number, string>();
  const overlaps: string[] = [];
  const events: { replica: string; partition: number; at: number; what: 'acquired' | 'lost' }[] = [];

  async function owner(replica: string): Promise<{ leases: PartitionLeases; db: DataSource }> {
    const db = await new DataSource(dataSourceOptions({ url, schema: 'aggregation', migrations, poolSize: 2 })).initialize();
    sources.push(db);
    const leases = new PartitionLeases({
      db,
      replica,
      partitions: PARTITIONS,
      heartbeatMs: HEARTBEAT_MS,
      ttlMs: TTL_MS,
      logger,
      acquired: (partition) => {
        const other = consuming.get(partition);
        if (other !== undefined) overlaps.push(`${replica} started p${partition} while ${other} consumed it`);
        consuming.set(partition, replica);
        events.push({ replica, partition, at: Date.now(), what: 'acquired' });
      },
      lost: async (partition) => {
        // Letting in-flight messages settle takes a moment.
        await new Promise((r) => setTimeout(r, 20));
        if (consuming.get(partition) === replica) consuming.delete(partition);
        events.push({ replica, partition, at: Date.now(), what: 'lost' });
      },
    });
    owners.push(leases);
    await leases.start();
    return { leases, db };
  }

  beforeAll(async () => {
    url = await createDatabase(process.env.IT_DATABASE_URL as string, 'partition_leases_it');
    await migrateSchema({ url, schema: 'aggregation', migrations });
    const db = await new DataSource(dataSourceOptions({ url, schema: 'aggregation', migrations, poolSize: 1 })).initialize();
    await db.query('DELETE FROM aggregation.change_partitions');
    await db.query('DELETE FROM aggregation.change_consumers');
    await db.destroy();
  });

  afterAll(async () => {
    await Promise.all(owners.map((o) => o.stop()));
    await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
  });

  it('gives a lone owner every partition, then splits them evenly with a second one', async () => {
    const a = await owner('replica-a');
    expect(a.leases.owned).toEqual(range(PARTITIONS));
    expect(await metricsRegistry.getSingleMetricAsString('ledgerline_aggregation_partitions_owned')).toMatch(
      /^ledgerline_aggregation_partitions_owned 16$/m,
    );
    const b = await owner('replica-b');
    await waitFor('an even split', async () => a.leases.owned.length === 8 && b.leases.owned.length === 8, 5_000, 50);
    expect([...a.leases.owned, ...b.leases.owned].sort((x, y) => x - y)).toEqual(range(PARTITIONS));
    // Still even a few heartbeats later: nobody flaps.
    await new Promise((r) => setTimeout(r, 5 * HEARTBEAT_MS));
    expect([a.leases.owned.length, b.leases.owned.length]).toEqual([8, 8]);
    expect(overlaps).toEqual([]);
  });

  it('hands every partition to the other owner within a heartbeat or two of a graceful stop', async () => {
    const [a, b] = owners as [PartitionLeases, PartitionLeases];
    await a.stop();
    expect(a.owned).toEqual([]);
    const stoppedAt = Date.now();
    await waitFor('b to own every partition', async () => b.owned.length === PARTITIONS, 5_000, 20);
    expect(Date.now() - stoppedAt).toBeLessThan(2 * HEARTBEAT_MS + 300);
    expect(overlaps).toEqual([]);
  });

  it('takes over a crashed owner’s partitions after their TTL, once it stopped consuming them', async () => {
    const b = owners[1] as PartitionLeases;
    const c = await owner('replica-c');
    await waitFor('an even split', async () => b.owned.length === 8 && c.leases.owned.length === 8, 5_000, 50);
    const crashed = c.leases.owned;
    // Its database is gone (a crash, a partition from PostgreSQL): no renewal, no release.
    const crashedAt = Date.now();
    await c.db.destroy();
    await waitFor('b to own every partition', async () => b.owned.length === PARTITIONS, 3 * TTL_MS, 20);
    const tookOver = Date.now() - crashedAt;
    // Not before the leases expired…
    expect(tookOver).toBeGreaterThan(TTL_MS - 2 * HEARTBEAT_MS);
    expect(tookOver).toBeLessThan(TTL_MS + 4 * HEARTBEAT_MS);
    // …and the cut-off owner had stopped each partition before b started it.
    expect(c.leases.owned).toEqual([]);
    for (const p of crashed) {
      const stopped = events.find((e) => e.replica === 'replica-c' && e.partition === p && e.what === 'lost');
      const started = events.findLast((e) => e.replica === 'replica-b' && e.partition === p && e.what === 'acquired');
      expect(stopped && started && stopped.at <= started.at).toBe(true);
    }
    expect(overlaps).toEqual([]);
  });
});
