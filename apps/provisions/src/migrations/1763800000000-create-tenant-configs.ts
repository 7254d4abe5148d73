import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenantConfigs1763800000000 implements MigrationInterface {
  name = 'CreateTenantConfigs1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provisions.tenant_configs (
        tenant_id  uuid PRIMARY KEY,
        name       text NOT NULL,
        currency   char(3) NOT NULL,
        members    jsonb NOT NULL,
        split      jsonb NOT NULL,
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE provisions.tenant_configs');
  }
}
