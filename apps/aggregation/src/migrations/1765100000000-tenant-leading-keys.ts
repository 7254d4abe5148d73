import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every primary key and unique constraint leads with the tenant, as a
 * tenant-distributed (Citus) schema needs: a key is then enforced on the one
 * shard holding its tenant. Tasks, webhook endpoints and deliveries are keyed
 * (tenant_id, id); a threshold's event id and a delivery's (endpoint, event)
 * are unique within their tenant. Attempts carry their delivery's tenant, so
 * their foreign key is (tenant_id, delivery_id) and stays on that shard too.
 * The rollup, watermark and budget tables already led with tenant_id.
 */
export class TenantLeadingKeys1765100000000 implements MigrationInterface {
  name = 'TenantLeadingKeys1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE aggregation.tasks DROP CONSTRAINT tasks_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query(`
      ALTER TABLE aggregation.budget_thresholds
        DROP CONSTRAINT budget_thresholds_event_id_key,
        ADD CONSTRAINT budget_thresholds_tenant_id_event_id_key UNIQUE (tenant_id, event_id)`);
    await q.query('ALTER TABLE aggregation.webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query('ALTER TABLE aggregation.webhook_attempts ADD COLUMN tenant_id uuid');
    await q.query(`
      UPDATE aggregation.webhook_attempts a SET tenant_id = d.tenant_id
        FROM aggregation.webhook_deliveries d WHERE d.id = a.delivery_id`);
    await q.query(`
      ALTER TABLE aggregation.webhook_attempts
        ALTER COLUMN tenant_id SET NOT NULL,
        DROP CONSTRAINT webhook_attempts_delivery_id_fkey,
        DROP CONSTRAINT webhook_attempts_pkey`);
    await q.query(`
      ALTER TABLE aggregation.webhook_deliveries
        DROP CONSTRAINT webhook_deliveries_pkey,
        ADD PRIMARY KEY (tenant_id, id),
        DROP CONSTRAINT webhook_deliveries_endpoint_id_event_id_key,
        ADD CONSTRAINT webhook_deliveries_tenant_id_endpoint_id_event_id_key UNIQUE (tenant_id, endpoint_id, event_id)`);
    await q.query(`
      ALTER TABLE aggregation.webhook_attempts
        ADD PRIMARY KEY (tenant_id, delivery_id, attempt),
        ADD CONSTRAINT webhook_attempts_delivery_fkey FOREIGN KEY (tenant_id, delivery_id)
          REFERENCES aggregation.webhook_deliveries (tenant_id, id) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE aggregation.webhook_attempts
        DROP CONSTRAINT webhook_attempts_delivery_fkey,
        DROP CONSTRAINT webhook_attempts_pkey`);
    await q.query(`
      ALTER TABLE aggregation.webhook_deliveries
        DROP CONSTRAINT webhook_deliveries_tenant_id_endpoint_id_event_id_key,
        ADD CONSTRAINT webhook_deliveries_endpoint_id_event_id_key UNIQUE (endpoint_id, event_id),
        DROP CONSTRAINT webhook_deliveries_pkey,
        ADD PRIMARY KEY (id)`);
    await q.query(`
      ALTER TABLE aggregation.webhook_attempts
        ADD PRIMARY KEY (delivery_id, attempt),
        ADD CONSTRAINT webhook_attempts_delivery_id_fkey FOREIGN KEY (delivery_id)
          REFERENCES aggregation.webhook_deliveries (id) ON DELETE CASCADE,
        DROP COLUMN tenant_id`);
    await q.query('ALTER TABLE aggregation.webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey, ADD PRIMARY KEY (id)');
    await q.query(`
      ALTER TABLE aggregation.budget_thresholds
        DROP CONSTRAINT budget_thresholds_tenant_id_event_id_key,
        ADD CONSTRAINT budget_thresholds_event_id_key UNIQUE (event_id)`);
    await q.query('ALTER TABLE aggregation.tasks DROP CONSTRAINT tasks_pkey, ADD PRIMARY KEY (id)');
  }
}
