import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAlerts1764100000000 implements MigrationInterface {
  name = 'CreateAlerts1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE monitoring.alerts (
        id                 uuid PRIMARY KEY,
        fingerprint        text NOT NULL,
        rule               text NOT NULL,
        severity           text NOT NULL CHECK (severity IN ('warning', 'critical')),
        state              text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
        labels             jsonb NOT NULL,
        summary            text NOT NULL,
        value              double precision NOT NULL,
        threshold          double precision NOT NULL,
        starts_at          timestamptz NOT NULL,
        fired_at           timestamptz,
        resolved_at        timestamptz,
        exemplar_trace_ids text[] NOT NULL DEFAULT '{}',
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    // Deduplication holds in the database too: at most one live alert per fingerprint.
    await q.query(`CREATE UNIQUE INDEX alerts_live_fingerprint ON monitoring.alerts (fingerprint) WHERE state <> 'resolved'`);
    await q.query('CREATE INDEX alerts_state_starts ON monitoring.alerts (state, starts_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE monitoring.alerts');
  }
}
