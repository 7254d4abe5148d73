import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImports1764100000000 implements MigrationInterface {
  name = 'CreateImports1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingestion.imports (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL,
        status         text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        bytes          bigint NOT NULL,
        rows_processed integer NOT NULL DEFAULT 0,
        accepted       integer NOT NULL DEFAULT 0,
        duplicates     integer NOT NULL DEFAULT 0,
        applied        boolean,
        errors         jsonb NOT NULL DEFAULT '[]',
        error_count    integer NOT NULL DEFAULT 0,
        created_at     timestamptz NOT NULL DEFAULT now(),
        heartbeat_at   timestamptz,
        finished_at    timestamptz
      )`);
    await q.query(`CREATE INDEX imports_queue_idx ON ingestion.imports (created_at) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingestion.imports');
  }
}
