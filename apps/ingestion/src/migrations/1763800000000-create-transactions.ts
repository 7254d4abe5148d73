import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTransactions1763800000000 implements MigrationInterface {
  name = 'CreateTransactions1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingestion.transactions (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        external_id  text,
        date         date NOT NULL,
        month        char(7) NOT NULL,
        label        text,
        amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
        category     text NOT NULL,
        subcategory  text NOT NULL,
        expense_type text NOT NULL CHECK (expense_type IN ('FIXED', 'VARIABLE')),
        member       text,
        exclude      boolean NOT NULL DEFAULT false,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // Idempotency: a resend of an externalId is a duplicate, never a second row.
    await q.query(
      'CREATE UNIQUE INDEX transactions_external_id_uq ON ingestion.transactions (tenant_id, external_id) WHERE external_id IS NOT NULL',
    );
    // Drill-down: one tenant-month-category, newest first, keyset on (date, id).
    await q.query('CREATE INDEX transactions_drill_idx ON ingestion.transactions (tenant_id, month, category, date DESC, id DESC)');
    await q.query(`
      CREATE TABLE ingestion.outbox (
        id           bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        subject      text NOT NULL,
        payload      jsonb NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await q.query('CREATE INDEX outbox_unpublished_idx ON ingestion.outbox (id) WHERE published_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingestion.outbox');
    await q.query('DROP TABLE ingestion.transactions');
  }
}
