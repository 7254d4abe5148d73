import { z } from 'zod';
import { defineRequest } from '../common/contract';
import { tenantId, uuidString } from '../common/primitives';

/**
 * CSV imports. The gateway streams the upload into the JetStream object store
 * bucket `IMPORTS_BUCKET` under `importObjectName(tenant, id)`, then asks
 * ingestion to start; ingestion streams it back out, so neither side ever
 * holds the whole file.
 */
export const IMPORTS_BUCKET = 'imports';
export const MAX_IMPORT_ROWS = 1_000_000;
/** Line errors kept on a failed import; the total is in `errorCount`. */
export const MAX_IMPORT_ERRORS = 1_000;
/**
 * An import stops reading after this many bad lines: a file that wrong is
 * the wrong file, and reading on would only delay the answer.
 */
export const IMPORT_ERROR_LIMIT = 100;

export const importObjectName = (tenant: string, id: string): string => `${tenant}/${id}`;

export type ImportStatusName = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportStatus {
  id: string;
  status: ImportStatusName;
  rowsProcessed: number;
  accepted: number;
  duplicates: number;
  /** false when the rows are committed but the dashboards catch up later. */
  applied: boolean | null;
  /** Once succeeded: the tenant's version after the import committed (the consistency token). */
  version: string | null;
  errors: { line: number; field: string; message: string }[];
  errorCount: number;
  createdAt: string;
  finishedAt: string | null;
}

export const startImport = defineRequest<ImportStatus>()(
  'ingestion.imports.start.v1',
  z.object({ tenantId, id: uuidString, bytes: z.number().int().min(0) }),
);

export const getImport = defineRequest<ImportStatus>()('ingestion.imports.get.v1', z.object({ tenantId, id: uuidString }));
