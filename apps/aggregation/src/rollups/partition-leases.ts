import { fnv1a32 } from '@ledgerline/contracts';
import { metricsRegistry } from '@ledgerline/runtime';
import { Gauge } from 'prom-client';
import type pino from 'pino';
import type { DataSource } from 'typeorm';
import { decideLeases, type LeaseView } from './partition-assignment';

const partitionsOwned = new Gauge({
  name: 'ledgerline_aggregation_partitions_owned',
  help: 'Partitions of the change stream this aggregation replica holds the lease of (and consumes)',
  registers: [metricsRegistry],
});

/** Heartbeat rows of replicas gone this long (crashed, never deleted their row) are removed. */
const FORGET_REPLICA_MS = 3_600_000;
const PRUNE_EVERY_TICKS = 100;

export interface PartitionLeasesOptions {
  db: DataSource;
  /** This replica's name in the lease table: unique per process. */
  replica: string;
  partitions: number;
  heartbeatMs: number;
  ttlMs: number;
  logger: pino.Logger;
  /** The lease is ours: start consuming the partition. */
  acquired: (partition: number) => void;
  /** The lease is given up or lost: stop consuming it; resolves once its in-flight messages settled. */
  lost: (partition: number) => Promise<void>;
}

/**
 * Gives each partition of the change stream to one live replica at a time, by leases in aggregation's
 * schema. Every heartbeat a replica records itself, counts the live replicas, renews the leases of its fair
 * share (ceil(partitions / live)), releases the rest (after stopping their consumers) and claims free or
 * expired ones. Each step is one statement (INSERT … ON CONFLICT, UPDATE … RETURNING whose WHERE is
 * re-checked under the row lock): no advisory lock or session state, so it works through a
 * transaction-pooling PgBouncer. A replica that cannot renew stops consuming a partition before the lease
 * can expire (its deadline counts from before the renewal was sent, with a margin); on shutdown it stops
 * its consumers and releases every lease, so another replica claims them at its next heartbeat.
 */
export class PartitionLeases {
  /** Partitions held, with the local time by which they must be renewed or given up. */
  private readonly held = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private seeded = false;
  private ticks = 0;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: PartitionLeasesOptions) {}

  /** The partitions this replica consumes now, ascending. */
  get owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** The first heartbeat, then one every `heartbeatMs` (a heartbeat still running makes the next one only check deadlines). */
  async start(): Promise<void> {
    this.ticking = this.tick();
    await this.ticking;
    this.ticking = undefined;
    this.timer = setInterval(() => {
      if (this.ticking) {
        void this.giveUpOverdue();
        return;
      }
      this.ticking = this.tick().finally(() => (this.ticking = undefined));
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Stops consuming every partition, then releases their leases and this replica's heartbeat row (once). */
  stop(): Promise<void> {
    this.stopping ??= this.release();
    return this.stopping;
  }

  private async release(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.giveUp(this.owned, 'shutdown');
    const { db, replica } = this.options;
    try {
      await db.query(`UPDATE aggregation.change_partitions SET owner = NULL, expires_at = now() WHERE owner = $1`, [replica]);
      await db.query('DELETE FROM aggregation.change_consumers WHERE replica = $1', [replica]);
      this.options.logger.info({ replica }, 'change partitions released');
    } catch (err) {
      // They expire instead: another replica takes them over after the TTL.
      this.options.logger.warn({ replica, err: (err as Error).message }, 'could not release change partitions');
    }
  }

  /** One heartbeat: what the table says is ours, the fair share, then release, renew and claim. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { replica, partitions, ttlMs } = this.options;
    const began = Date.now();
    try {
      await this.seed();
      const live = await this.beat();
      const leases = await this.leases();
      // The table says another replica holds it (ours expired and was claimed): stop at once.
      const ours = new Set(leases.filter((l) => l.owner === replica).map((l) => l.partition));
      await this.giveUp(
        this.owned.filter((p) => !ours.has(p)),
        'lost',
      );
      const decision = decideLeases({ replica, partitions, liveReplicas: live, leases, offset: fnv1a32(replica) });
      if (decision.release.length > 0) {
        await this.giveUp(decision.release, 'rebalanced');
        await this.update(`SET owner = NULL, expires_at = now() WHERE owner = $1 AND partition = ANY($2::int[])`, decision.release);
      }
      const renewed = await this.update(
        `SET expires_at = now() + ${this.ttl} WHERE owner = $1 AND partition = ANY($2::int[])`,
        decision.keep,
      );
      await this.giveUp(
        decision.keep.filter((p) => !renewed.includes(p)),
        'lost',
      );
      const claimed = await this.update(
        `SET owner = $1, expires_at = now() + ${this.ttl} WHERE partition = ANY($2::int[]) AND (owner IS NULL OR expires_at <= now())`,
        decision.claim,
      );
      if (this.stopped) {
        // Shutting down meanwhile: what was just claimed goes back with the rest.
        return;
      }
      const deadline = began + ttlMs - this.margin;
      // A renewed lease may be new here too: given up as overdue, and nobody claimed it meanwhile.
      const started = [...renewed, ...claimed].filter((p) => !this.held.has(p));
      for (const p of [...renewed, ...claimed]) this.held.set(p, deadline);
      for (const p of started) this.options.acquired(p);
      if (started.length > 0) this.options.logger.info({ replica, claimed: started, owned: this.owned, live }, 'change partitions claimed');
    } catch (err) {
      this.options.logger.warn({ replica, err: (err as Error).message }, 'change partition heartbeat failed');
      await this.giveUpOverdue();
    } finally {
      partitionsOwned.set(this.held.size);
    }
  }

  /** Leases not renewed in time may be claimed by another replica any moment now: stop consuming them. */
  private async giveUpOverdue(): Promise<void> {
    const now = Date.now();
    await this.giveUp(
      [...this.held].filter(([, deadline]) => deadline <= now).map(([p]) => p),
      'not renewed in time',
    );
  }

  private async giveUp(partitions: readonly number[], reason: string): Promise<void> {
    const dropped = partitions.filter((p) => this.held.delete(p));
    if (dropped.length === 0) return;
    partitionsOwned.set(this.held.size);
    this.options.logger.info(
      { replica: this.options.replica, partitions: dropped, reason, owned: this.owned },
      'change partitions given up',
    );
    await Promise.all(
      dropped.map((p) =>
        this.options
          .lost(p)
          .catch((err: unknown) => this.options.logger.error({ partition: p, err: (err as Error).message }, 'stopping a partition failed')),
      ),
    );
  }

  /** A lease given up this long before it would expire: time to stop its consumer before anyone may claim it. */
  private get margin(): number {
    return Math.max(this.options.heartbeatMs, this.options.ttlMs / 5);
  }

  private get ttl(): string {
    return `make_interval(secs => ${this.options.ttlMs / 1000})`;
  }

  private async seed(): Promise<void> {
    if (this.seeded) return;
    await this.options.db.query(
      'INSERT INTO aggregation.change_partitions (partition) SELECT generate_series(0, $1::int - 1) ON CONFLICT DO NOTHING',
      [this.options.partitions],
    );
    this.seeded = true;
  }

  /** Records this replica's heartbeat and answers how many replicas are live, itself included. */
  private async beat(): Promise<number> {
    const { db, replica, ttlMs } = this.options;
    if (++this.ticks % PRUNE_EVERY_TICKS === 0) {
      await db.query('DELETE FROM aggregation.change_consumers WHERE seen_at < now() - make_interval(secs => $1::float8 / 1000)', [
        FORGET_REPLICA_MS,
      ]);
    }
    // The CTE's insert is not visible to the count (one snapshot): others are counted, and this one added.
    const [row] = (await db.query(
      `WITH beat AS (
         INSERT INTO aggregation.change_consumers AS c (replica, seen_at) VALUES ($1, now())
         ON CONFLICT (replica) DO UPDATE SET seen_at = now() RETURNING c.replica)
       SELECT 1 + count(*)::int AS live FROM aggregation.change_consumers
        WHERE replica <> $1 AND seen_at > now() - make_interval(secs => $2::float8 / 1000)`,
      [replica, ttlMs],
    )) as { live: number }[];
    return row?.live ?? 1;
  }

  private async leases(): Promise<LeaseView[]> {
    return (await this.options.db.query(
      `SELECT partition, owner, expires_at <= now() AS expired FROM aggregation.change_partitions
        WHERE partition < $1 ORDER BY partition`,
      [this.options.partitions],
    )) as LeaseView[];
  }

  /** An UPDATE of the leases named in `partitions` (`$2`) for this replica (`$1`); answers the partitions it changed. */
  private async update(assignment: string, partitions: readonly number[]): Promise<number[]> {
    if (partitions.length === 0) return [];
    const rows = (await this.options.db.query(
      `WITH changed AS (UPDATE aggregation.change_partitions ${assignment} RETURNING partition) SELECT partition FROM changed`,
      [this.options.replica, partitions],
    )) as { partition: number }[];
    return rows.map((r) => r.partition);
  }
}
