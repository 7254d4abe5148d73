import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateFixedLinesAndProvisions1764000000000 implements MigrationInterface {
  name = 'CreateFixedLinesAndProvisions1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provisions.fixed_lines (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id    uuid NOT NULL,
        name         text NOT NULL,
        category     text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        frequency    text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly')),
        split        jsonb NOT NULL,
        active       boolean NOT NULL,
        start_month  char(7),
        end_month    char(7),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CHECK (end_month IS NULL OR start_month IS NULL OR end_month >= start_month)
      )`);
    await q.query('CREATE INDEX fixed_lines_tenant ON provisions.fixed_lines (tenant_id, created_at)');
    await q.query(`
      CREATE TABLE provisions.provisions (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id    uuid NOT NULL,
        name         text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('percent', 'fixed')),
        percent      text,
        base         text,
        amount_cents bigint CHECK (amount_cents > 0),
        target_cents bigint CHECK (target_cents > 0),
        saved_cents  bigint NOT NULL DEFAULT 0 CHECK (saved_cents >= 0),
        split        jsonb NOT NULL,
        active       boolean NOT NULL,
        start_month  char(7),
        end_month    char(7),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'percent' AND percent IS NOT NULL AND base IS NOT NULL AND amount_cents IS NULL)
            OR (kind = 'fixed' AND amount_cents IS NOT NULL AND percent IS NULL AND base IS NULL)),
        CHECK (end_month IS NULL OR start_month IS NULL OR end_month >= start_month)
      )`);
    await q.query('CREATE INDEX provisions_tenant ON provisions.provisions (tenant_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE provisions.provisions');
    await q.query('DROP TABLE provisions.fixed_lines');
  }
}
