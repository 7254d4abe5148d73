import type { Alert, AlertState } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

interface AlertRow {
  id: string;
  fingerprint: string;
  rule: string;
  severity: Alert['severity'];
  state: AlertState;
  labels: Record<string, string>;
  summary: string;
  value: number;
  threshold: number;
  starts_at: Date;
  fired_at: Date | null;
  resolved_at: Date | null;
  exemplar_trace_ids: string[];
}

const toAlert = (r: AlertRow): Alert => ({
  id: r.id,
  fingerprint: r.fingerprint,
  rule: r.rule,
  severity: r.severity,
  state: r.state,
  labels: r.labels,
  summary: r.summary,
  value: r.value,
  threshold: r.threshold,
  startsAt: r.starts_at.toISOString(),
  firedAt: r.fired_at?.toISOString() ?? null,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
  exemplarTraceIds: r.exemplar_trace_ids,
});

/** Alert history in `monitoring.alerts`: the only code that talks SQL for alerts. */
@Injectable()
export class AlertsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts or updates by id; the partial unique index rejects a second live alert for a fingerprint. */
  async save(alert: Alert): Promise<void> {
    await this.db.query(
      `INSERT INTO monitoring.alerts (id, fingerprint, rule, severity, state, labels, summary, value, threshold,
                                      starts_at, fired_at, resolved_at, exemplar_trace_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, summary = EXCLUDED.summary, value = EXCLUDED.value,
         fired_at = EXCLUDED.fired_at, resolved_at = EXCLUDED.resolved_at,
         exemplar_trace_ids = EXCLUDED.exemplar_trace_ids, updated_at = now()`,
      [
        alert.id,
        alert.fingerprint,
        alert.rule,
        alert.severity,
        alert.state,
        JSON.stringify(alert.labels),
        alert.summary,
        alert.value,
        alert.threshold,
        alert.startsAt,
        alert.firedAt,
        alert.resolvedAt,
        alert.exemplarTraceIds,
      ],
    );
  }

  async live(): Promise<Alert[]> {
    const rows: AlertRow[] = await this.db.query(`SELECT * FROM monitoring.alerts WHERE state <> 'resolved'`);
    return rows.map(toAlert);
  }

  async list(state: AlertState | undefined, limit: number): Promise<Alert[]> {
    const rows: AlertRow[] = await this.db.query(
      `SELECT * FROM monitoring.alerts WHERE ($1::text IS NULL OR state = $1) ORDER BY starts_at DESC, id LIMIT $2`,
      [state ?? null, limit],
    );
    return rows.map(toAlert);
  }
}
