import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every primary key leads with the tenant, as a tenant-distributed (Citus)
 * schema needs: fixed lines and provisions are keyed (tenant_id, id) (the
 * entities name both as primary columns, so TypeORM's saves find a row by
 * both). tenant_configs was already keyed by tenant_id.
 */
export class TenantLeadingKeys1765100000000 implements MigrationInterface {
  name = 'TenantLeadingKeys1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE provisions.fixed_lines DROP CONSTRAINT fixed_lines_pkey, ADD PRIMARY KEY (tenant_id, id)');
    await q.query('ALTER TABLE provisions.provisions DROP CONSTRAINT provisions_pkey, ADD PRIMARY KEY (tenant_id, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE provisions.provisions DROP CONSTRAINT provisions_pkey, ADD PRIMARY KEY (id)');
    await q.query('ALTER TABLE provisions.fixed_lines DROP CONSTRAINT fixed_lines_pkey, ADD PRIMARY KEY (id)');
  }
}
