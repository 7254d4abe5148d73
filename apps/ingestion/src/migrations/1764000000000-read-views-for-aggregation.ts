import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The one documented cross-schema read (ARCHITECTURE.md): aggregation rebuilds
 * rollups and lists drill-down rows through these read-only views, never the
 * tables. `change_log` lets a rebuild mark exactly the changes whose rows it
 * saw as applied — outbox entries commit together with their rows.
 */
export class ReadViewsForAggregation1764000000000 implements MigrationInterface {
  name = 'ReadViewsForAggregation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ingestion.outbox ADD COLUMN tenant_id uuid, ADD COLUMN months text[]');
    await q.query(`
      UPDATE ingestion.outbox
         SET tenant_id = (payload->>'tenantId')::uuid,
             months = ARRAY(SELECT jsonb_array_elements_text(payload->'months'))`);
    await q.query('ALTER TABLE ingestion.outbox ALTER COLUMN tenant_id SET NOT NULL, ALTER COLUMN months SET NOT NULL');
    await q.query('CREATE INDEX outbox_tenant_idx ON ingestion.outbox (tenant_id, id)');
    await q.query(`
      CREATE VIEW ingestion.transactions_read AS
      SELECT id, tenant_id, external_id, date, month, label, amount_cents, category, subcategory, expense_type, member, exclude
        FROM ingestion.transactions`);
    await q.query(`
      CREATE VIEW ingestion.change_log AS
      SELECT event_id, tenant_id, months, created_at FROM ingestion.outbox`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP VIEW ingestion.change_log');
    await q.query('DROP VIEW ingestion.transactions_read');
    await q.query('ALTER TABLE ingestion.outbox DROP COLUMN months, DROP COLUMN tenant_id');
  }
}
