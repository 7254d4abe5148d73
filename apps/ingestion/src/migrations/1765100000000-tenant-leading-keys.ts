import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every primary key and unique constraint leads with the tenant, as a
 * tenant-distributed (Citus) schema needs: a key is then enforced on the one
 * shard holding its tenant. Transactions, imports and outbox entries are keyed
 * (tenant_id, id); an event id is unique within its tenant. The outbox's
 * (tenant_id, id) index is now the primary key's. The externalId index and
 * tenant_versions already led with tenant_id.
 */
export class TenantLeadingKeys1765100000000 implements MigrationInterface {
  name = 'TenantLeadingKeys1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE ingestion.transactions DROP CONSTRAINT transactions_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query('ALTER TABLE ingestion.imports DROP CONSTRAINT imports_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query(`
      ALTER TABLE ingestion.outbox
        DROP CONSTRAINT outbox_pkey,
        ADD PRIMARY KEY (tenant_id, id),
        DROP CONSTRAINT outbox_event_id_key,
        ADD CONSTRAINT outbox_tenant_id_event_id_key UNIQUE (tenant_id, event_id)`);
    await q.query('DROP INDEX ingestion.outbox_tenant_idx');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX outbox_tenant_idx ON ingestion.outbox (tenant_id, id)');
    await q.query(`
      ALTER TABLE ingestion.outbox
        DROP CONSTRAINT outbox_tenant_id_event_id_key,
        ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id),
        DROP CONSTRAINT outbox_pkey,
        ADD PRIMARY KEY (id)`);
    await q.query('ALTER TABLE ingestion.imports DROP CONSTRAINT imports_pkey, ADD PRIMARY KEY (id)');
    await q.query('ALTER TABLE ingestion.transactions DROP CONSTRAINT transactions_pkey, ADD PRIMARY KEY (id)');
  }
}
