import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface OutboxEntry {
  id: string;
  eventId: string;
  subject: string;
  payload: unknown;
}

@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Claims the oldest unpublished entries for this transaction; SKIP LOCKED lets
   * several replicas relay side by side without publishing an entry twice at once.
   */
  async withPending<T>(limit: number, work: (entries: OutboxEntry[], em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (em) => {
      const rows = (await em.query(
        `SELECT id, event_id AS "eventId", subject, payload FROM ingestion.outbox
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      )) as OutboxEntry[];
      return work(rows, em);
    });
  }

  async markPublished(em: EntityManager, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await em.query('UPDATE ingestion.outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  }

  async pendingCount(): Promise<number> {
    const [row] = (await this.db.query('SELECT count(*)::int AS n FROM ingestion.outbox WHERE published_at IS NULL')) as { n: number }[];
    return row?.n ?? 0;
  }
}
