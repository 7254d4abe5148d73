import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasks1764100000000 implements MigrationInterface {
  name = 'CreateTasks1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aggregation.tasks (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id        uuid NOT NULL,
        type             text NOT NULL CHECK (type IN ('refresh', 'export')),
        status           text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        params           jsonb NOT NULL,
        progress         real NOT NULL DEFAULT 0,
        result           jsonb,
        error            text,
        cancel_requested boolean NOT NULL DEFAULT false,
        created_at       timestamptz NOT NULL DEFAULT now(),
        heartbeat_at     timestamptz,
        finished_at      timestamptz
      )`);
    await q.query('CREATE INDEX tasks_tenant_idx ON aggregation.tasks (tenant_id, created_at DESC)');
    await q.query(`CREATE INDEX tasks_queue_idx ON aggregation.tasks (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE aggregation.tasks');
  }
}
