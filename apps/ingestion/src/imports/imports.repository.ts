import type { ImportStatus } from '@ledgerline/contracts';
import { claimJobs, queuedOrStale, type ClaimSpec } from '@ledgerline/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LineError } from './csv-record';

interface ImportDbRow {
  id: string;
  tenant_id: string;
  status: ImportStatus['status'];
  rows_processed: number;
  accepted: number;
  duplicates: number;
  applied: boolean | null;
  version: string | null;
  errors: LineError[];
  error_count: number;
  created_at: Date;
  finished_at: Date | null;
}

/** Counts and version are recorded with the rows, but are the import's outcome only once it says succeeded. */
const toStatus = (r: ImportDbRow): ImportStatus => ({
  id: r.id,
  status: r.status,
  rowsProcessed: r.rows_processed,
  accepted: r.status === 'succeeded' ? r.accepted : 0,
  duplicates: r.status === 'succeeded' ? r.duplicates : 0,
  applied: r.status === 'succeeded' ? r.applied : null,
  version: r.status === 'succeeded' ? r.version : null,
  errors: r.errors,
  errorCount: r.error_count,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

/** A claimed import is considered abandoned (its replica died) after 60 s without progress. */
const IMPORT_CLAIM: ClaimSpec = {
  table: 'ingestion.imports',
  claimable: queuedOrStale('60 seconds'),
  orderBy: 'created_at',
  // An import whose rows are committed (version recorded) keeps its count: only its status is left to set.
  set: "status = 'running', rows_processed = CASE WHEN version IS NULL THEN 0 ELSE rows_processed END, heartbeat_at = now()",
  returning: 'job.id, job.tenant_id, job.version',
};

/** Import bookkeeping. The rows themselves are written by the processor's own transaction. */
@Injectable()
export class ImportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(tenantId: string, id: string, bytes: number): Promise<ImportStatus> {
    const rows: ImportDbRow[] = await this.db.query(
      `INSERT INTO ingestion.imports (id, tenant_id, status, bytes) VALUES ($1, $2, 'queued', $3) RETURNING *`,
      [id, tenantId, bytes],
    );
    return toStatus(rows[0] as ImportDbRow);
  }

  async find(tenantId: string, id: string): Promise<ImportStatus | undefined> {
    const rows: ImportDbRow[] = await this.db.query('SELECT * FROM ingestion.imports WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && toStatus(rows[0]);
  }

  /**
   * The oldest queued import (or one whose worker stopped beating), claimed so
   * no other replica takes it; `committedVersion` when its rows are already
   * committed and only its status is left to set.
   */
  async claimNext(): Promise<{ id: string; tenantId: string; committedVersion?: string } | undefined> {
    const [row] = await claimJobs<{ id: string; tenant_id: string; version: string | null }>(this.db, IMPORT_CLAIM, 1);
    return row && { id: row.id, tenantId: row.tenant_id, ...(row.version === null ? {} : { committedVersion: row.version }) };
  }

  async progress(tenantId: string, id: string, rowsProcessed: number): Promise<void> {
    await this.db.query('UPDATE ingestion.imports SET rows_processed = $3, heartbeat_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
      rowsProcessed,
    ]);
  }

  /**
   * The outcome, written in the transaction that commits the rows: a crash
   * after that commit can no longer turn a committed import into a failed one
   * (its upload is gone by then); the next claim only sets its status.
   */
  async recordOutcome(
    em: EntityManager,
    tenantId: string,
    id: string,
    outcome: { rowsProcessed: number; accepted: number; duplicates: number; version: string },
  ): Promise<void> {
    await em.query(
      `UPDATE ingestion.imports SET rows_processed = $3, accepted = $4, duplicates = $5, version = $6
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, outcome.rowsProcessed, outcome.accepted, outcome.duplicates, outcome.version],
    );
  }

  /** After the commit, once the aggregates reflect it (or the bounded wait for them ran out: `applied` false). */
  async succeed(tenantId: string, id: string, applied: boolean): Promise<void> {
    await this.db.query(
      `UPDATE ingestion.imports SET status = 'succeeded', applied = $3, finished_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, applied],
    );
  }

  async fail(tenantId: string, id: string, rowsProcessed: number, errors: LineError[], errorCount: number): Promise<void> {
    await this.db.query(
      `UPDATE ingestion.imports SET status = 'failed', rows_processed = $3, errors = $4, error_count = $5, finished_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, rowsProcessed, JSON.stringify(errors), errorCount],
    );
  }
}
