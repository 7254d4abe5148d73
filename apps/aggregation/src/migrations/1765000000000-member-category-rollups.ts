import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The category grain per member, so `member=` views (breakdown, drill-down,
 * trends, stats) read rollups like the household ones. Maintained in the
 * same transaction as the other rollups, under the same watermark. Rows
 * without a member are in no member's figures. Months rolled up before this
 * table existed are queued in `member_rollups_backfill`: aggregation cannot
 * read ingestion's rows here, so MemberRollupsBackfill rebuilds them (asking
 * ingestion) once the service runs.
 */
export class MemberCategoryRollups1765000000000 implements MigrationInterface {
  name = 'MemberCategoryRollups1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.member_category_rollups (
        tenant_id    uuid NOT NULL,
        month        char(7) NOT NULL,
        member       text NOT NULL,
        category     text NOT NULL,
        subcategory  text NOT NULL,
        expense_type text NOT NULL,
        count        integer NOT NULL,
        total_cents  bigint NOT NULL,
        min_cents    bigint,
        max_cents    bigint,
        PRIMARY KEY (tenant_id, member, month, category, subcategory, expense_type)
      )`);
    await q.query(`
      CREATE TABLE aggregation.member_rollups_backfill (
        tenant_id uuid NOT NULL,
        month     char(7) NOT NULL,
        PRIMARY KEY (tenant_id, month)
      )`);
    await q.query(
      'INSERT INTO aggregation.member_rollups_backfill (tenant_id, month) SELECT tenant_id, month FROM aggregation.month_rollups',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregation.member_rollups_backfill');
    await q.query('DROP TABLE aggregation.member_category_rollups');
  }
}
