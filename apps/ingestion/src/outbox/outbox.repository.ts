import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface OutboxEntry {
  tenantId: string;
  id: string;
  eventId: string;
  subject: string;
  payload: unknown;
}

/** Any constant shared by every ingestion replica: the key of the relay's advisory lock. */
const RELAY_LOCK = 7_104_231;

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Hands the oldest unpublished entries (but those in `skip`) to `work` inside a transaction that
   * holds the relay lock, or answers 'busy' when another replica holds it.
   * The lock is transaction-scoped, so it works through a transaction-pooling
   * PgBouncer and is released by a crash.
   */
  async withPending<T>(
    limit: number,
    skip: readonly string[],
    work: (entries: OutboxEntry[], em: EntityManager) => Promise<T>,
  ): Promise<T | 'busy'> {
    return this.db.transaction(async (em) => {
      // The lock and the entries in one round trip: no entries come back unless the lock is held.
      const rows = (await em.query(
        `WITH relay AS (SELECT pg_try_advisory_xact_lock($1) AS held)
         SELECT relay.held, o.tenant_id AS "tenantId", o.id, o.event_id AS "eventId", o.subject, o.payload
           FROM relay LEFT JOIN LATERAL (
             SELECT tenant_id, id, event_id, subject, payload FROM ingestion.outbox
              WHERE relay.held AND published_at IS NULL AND id <> ALL($3::bigint[]) ORDER BY id LIMIT $2) o ON true`,
        [RELAY_LOCK, limit, skip],
      )) as (OutboxEntry & { held: boolean })[];
      if (!rows[0]?.held) return 'busy' as const;
      return work(
        rows.filter((r) => r.id !== null),
        em,
      );
    });
  }

  /**
   * Names the entries' tenants too: on a tenant-distributed outbox that routes the update to their shards.
   * By the unpublished-entries index, not a join on (tenant_id, id) pairs: the planner hashed the whole
   * outbox for that (60-80 ms with 50k entries, against ~1 ms for this index scan).
   */
  async markPublished(em: EntityManager, entries: readonly Pick<OutboxEntry, 'tenantId' | 'id'>[]): Promise<void> {
    if (entries.length === 0) return;
    await em.query(
      `UPDATE ingestion.outbox SET published_at = now()
        WHERE published_at IS NULL AND id = ANY($2::bigint[]) AND tenant_id = ANY($1::uuid[])`,
      [[...new Set(entries.map((e) => e.tenantId))], entries.map((e) => e.id)],
    );
  }

  async pendingCount(): Promise<number> {
    const [row] = (await this.db.query('SELECT count(*)::int AS n FROM ingestion.outbox WHERE published_at IS NULL')) as { n: number }[];
    return row?.n ?? 0;
  }

  /** Deletes entries published longer ago than `keepMs`; returns how many. */
  async prunePublished(keepMs: number): Promise<number> {
    const [, deleted] = (await this.db.query(
      `DELETE FROM ingestion.outbox WHERE published_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [keepMs],
    )) as [unknown, number];
    return deleted;
  }
}
