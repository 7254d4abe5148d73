import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Versions number each tenant's changes 1, 2, 3… in commit order: a write
 * takes the next one on its tenant's row, which it holds until it commits,
 * so a tenant's writers commit in version order and the outbox (relayed in
 * id order) carries them in that order. The version is the write's
 * consistency token; aggregation's watermark counts how far it applied them.
 */
export class TenantVersions1764600000000 implements MigrationInterface {
  name = 'TenantVersions1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingestion.tenant_versions (
        tenant_id uuid PRIMARY KEY,
        version   bigint NOT NULL
      )`);
    await q.query('ALTER TABLE ingestion.outbox ADD COLUMN version bigint');
    await q.query('ALTER TABLE ingestion.imports ADD COLUMN version bigint');
    // Aggregation no longer reads this schema: rebuilds, drill-down rows and exports are asked of ingestion over NATS.
    await q.query('DROP VIEW ingestion.change_log');
    await q.query('DROP VIEW ingestion.transactions_read');
    // Published entries are pruned once JetStream's duplicate window is over.
    await q.query('CREATE INDEX outbox_published_idx ON ingestion.outbox (published_at) WHERE published_at IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ingestion.outbox_published_idx');
    await q.query(`
      CREATE VIEW ingestion.transactions_read AS
      SELECT id, tenant_id, external_id, date, month, label, amount_cents, category, subcategory, expense_type, member, exclude
        FROM ingestion.transactions`);
    await q.query(`CREATE VIEW ingestion.change_log AS SELECT event_id, tenant_id, months, created_at FROM ingestion.outbox`);
    await q.query('ALTER TABLE ingestion.imports DROP COLUMN version');
    await q.query('ALTER TABLE ingestion.outbox DROP COLUMN version');
    await q.query('DROP TABLE ingestion.tenant_versions');
  }
}
