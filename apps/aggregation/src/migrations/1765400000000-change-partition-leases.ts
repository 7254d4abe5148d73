import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which replica consumes which partition of the change stream: one row per partition (its lease: owner and
 * expiry, renewed by the owner's heartbeat) and one per replica (its last heartbeat, to count the live ones).
 * Plain rows changed by single statements, no advisory locks: it works through a transaction-pooling
 * PgBouncer. Keys are not tenant-led: a handful of rows, a reference table on a distributed database.
 */
export class ChangePartitionLeases1765400000000 implements MigrationInterface {
  name = 'ChangePartitionLeases1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.change_partitions (
        partition  integer PRIMARY KEY CHECK (partition >= 0),
        owner      text,
        expires_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE aggregation.change_consumers (
        replica text PRIMARY KEY,
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregation.change_consumers');
    await q.query('DROP TABLE aggregation.change_partitions');
  }
}
