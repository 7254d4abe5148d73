import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budgets live next to the rollups: a write's apply compares each budgeted
 * category's total before and after, against these limits, in its own
 * transaction. A state reached is recorded once per (tenant, month, category,
 * state) — the primary key is what makes redeliveries and concurrent writers
 * notify once — together with its webhook deliveries (the durable outbox).
 */
export class BudgetsAndWebhooks1764900000000 implements MigrationInterface {
  name = 'BudgetsAndWebhooks1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.budgets (
        tenant_id   uuid NOT NULL,
        category    text NOT NULL,
        limit_cents bigint NOT NULL CHECK (limit_cents > 0),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, category)
      )`);
    await q.query(`
      CREATE TABLE aggregation.budget_thresholds (
        tenant_id   uuid NOT NULL,
        month       char(7) NOT NULL,
        category    text NOT NULL,
        state       text NOT NULL CHECK (state IN ('warning', 'over')),
        event_id    uuid NOT NULL UNIQUE,
        version     bigint NOT NULL,
        limit_cents bigint NOT NULL,
        spent_cents bigint NOT NULL,
        reached_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, month, category, state)
      )`);
    await q.query(`
      CREATE TABLE aggregation.webhook_endpoints (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id  uuid NOT NULL,
        url        text NOT NULL,
        secret     text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, url)
      )`);
    await q.query(`
      CREATE TABLE aggregation.webhook_deliveries (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id       uuid NOT NULL,
        endpoint_id     uuid NOT NULL,
        url             text NOT NULL,
        event_id        uuid NOT NULL,
        payload         jsonb NOT NULL,
        state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (endpoint_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON aggregation.webhook_deliveries (next_attempt_at) WHERE state = 'pending'`);
    await q.query('CREATE INDEX webhook_deliveries_tenant ON aggregation.webhook_deliveries (tenant_id, created_at DESC)');
    await q.query(`
      CREATE TABLE aggregation.webhook_attempts (
        delivery_id  uuid NOT NULL REFERENCES aggregation.webhook_deliveries (id) ON DELETE CASCADE,
        attempt      integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        status       integer,
        error        text,
        duration_ms  integer NOT NULL,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregation.webhook_attempts');
    await q.query('DROP TABLE aggregation.webhook_deliveries');
    await q.query('DROP TABLE aggregation.webhook_endpoints');
    await q.query('DROP TABLE aggregation.budget_thresholds');
    await q.query('DROP TABLE aggregation.budgets');
  }
}
