import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exactly once by version instead of by event id: a tenant's changes are
 * applied in version order, so one number per tenant (its watermark) says
 * which were applied, and a rebuilt month records the version its snapshot
 * of the raw rows reflected (changes up to it are skipped for that month).
 * Bookkeeping no longer grows with the number of changes.
 */
export class Watermarks1764600000000 implements MigrationInterface {
  name = 'Watermarks1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.watermarks (
        tenant_id  uuid PRIMARY KEY,
        version    bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE aggregation.month_watermarks (
        tenant_id uuid NOT NULL,
        month     char(7) NOT NULL,
        version   bigint NOT NULL,
        PRIMARY KEY (tenant_id, month)
      )`);
    await q.query('DROP TABLE aggregation.applied_changes');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.applied_changes (
        event_id   uuid NOT NULL,
        month      char(7) NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, month)
      )`);
    await q.query('DROP TABLE aggregation.month_watermarks');
    await q.query('DROP TABLE aggregation.watermarks');
  }
}
