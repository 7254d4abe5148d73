import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenantsAndKeys1763800000000 implements MigrationInterface {
  name = 'CreateTenantsAndKeys1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gateway.tenants (
        id         uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only a SHA-256 of each key is stored: keys are 190-bit random, so a slow hash adds nothing.
    await q.query(`
      CREATE TABLE gateway.api_keys (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL REFERENCES gateway.tenants(id),
        prefix       text NOT NULL,
        hash         bytea NOT NULL UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz
      )`);
    await q.query('CREATE INDEX api_keys_tenant_idx ON gateway.api_keys (tenant_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gateway.api_keys');
    await q.query('DROP TABLE gateway.tenants');
  }
}
