import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups at the grains the dashboards read: category × subcategory × expense
 * type (breakdown, drill-down, top categories, category trends), member (paid)
 * and month (totals, trends, excluded count). A tenant-month is a few hundred
 * rows however many transactions it holds.
 */
export class CreateRollups1764000000000 implements MigrationInterface {
  name = 'CreateRollups1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.category_rollups (
        tenant_id    uuid NOT NULL,
        month        char(7) NOT NULL,
        category     text NOT NULL,
        subcategory  text NOT NULL,
        expense_type text NOT NULL,
        count        integer NOT NULL,
        total_cents  bigint NOT NULL,
        min_cents    bigint,
        max_cents    bigint,
        PRIMARY KEY (tenant_id, month, category, subcategory, expense_type)
      )`);
    await q.query(`
      CREATE TABLE aggregation.member_rollups (
        tenant_id   uuid NOT NULL,
        month       char(7) NOT NULL,
        member      text NOT NULL,
        count       integer NOT NULL,
        total_cents bigint NOT NULL,
        PRIMARY KEY (tenant_id, month, member)
      )`);
    await q.query(`
      CREATE TABLE aggregation.month_rollups (
        tenant_id      uuid NOT NULL,
        month          char(7) NOT NULL,
        count          integer NOT NULL,
        total_cents    bigint NOT NULL,
        fixed_cents    bigint NOT NULL,
        excluded_count integer NOT NULL,
        PRIMARY KEY (tenant_id, month)
      )`);
    // Exactly-once per (change, month): a refresh marks the changes it already saw for that month only.
    await q.query(`
      CREATE TABLE aggregation.applied_changes (
        event_id   uuid NOT NULL,
        month      char(7) NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, month)
      )`);
    await q.query('CREATE INDEX applied_changes_age_idx ON aggregation.applied_changes (applied_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregation.applied_changes');
    await q.query('DROP TABLE aggregation.month_rollups');
    await q.query('DROP TABLE aggregation.member_rollups');
    await q.query('DROP TABLE aggregation.category_rollups');
  }
}
