import type { ImportStatus } from '@ledgerline/contracts';
import { claimJobs, queuedOrStale, type ClaimSpec } from '@ledgerline/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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

const toStatus = (r: ImportDbRow): ImportStatus => ({
  id: r.id,
  status: r.status,
  rowsProcessed: r.rows_processed,
  accepted: r.accepted,
  duplicates: r.duplicates,
  applied: r.applied,
  version: r.version,
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
  set: "status = 'running', rows_processed = 0, heartbeat_at = now()",
  returning: 'job.id, job.tenant_id',
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

  /** The oldest queued import (or one whose worker stopped beating), claimed so no other replica takes it. */
  async claimNext(): Promise<{ id: string; tenantId: string } | undefined> {
    const [row] = await claimJobs<{ id: string; tenant_id: string }>(this.db, IMPORT_CLAIM, 1);
    return row && { id: row.id, tenantId: row.tenant_id };
  }

  async progress(tenantId: string, id: string, rowsProcessed: number): Promise<void> {
    await this.db.query('UPDATE ingestion.imports SET rows_processed = $3, heartbeat_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
      rowsProcessed,
    ]);
  }

  async succeed(
    tenantId: string,
    id: string,
    result: { rowsProcessed: number; accepted: number; duplicates: number; applied: boolean; version: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE ingestion.imports
          SET status = 'succeeded', rows_processed = $3, accepted = $4, duplicates = $5, applied = $6, version = $7, finished_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, result.rowsProcessed, result.accepted, result.duplicates, result.applied, result.version],
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
