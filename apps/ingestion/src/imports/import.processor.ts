import {
  IMPORT_ERROR_LIMIT,
  importObjectName,
  IMPORTS_BUCKET,
  MAX_IMPORT_ERRORS,
  MAX_IMPORT_ROWS,
  type TransactionDelta,
} from '@ledgerline/contracts';
import { withLongStatements } from '@ledgerline/database';
import { NatsBus, openObjectStore, readObject, TenantMembers } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ChangeLog } from '../transactions/change-log';
import { DeltaAccumulator } from '../transactions/deltas';
import { toRow } from '../transactions/transaction-row';
import { COPY_COLUMNS, copyLine } from './copy-line';
import { csvRecords, readHeader, readRecord, type LineError } from './csv-record';
import { ImportsRepository } from './imports.repository';

const PROGRESS_EVERY_ROWS = 10_000;
/** Bound on the import's own statements (the COPY included); requests get DB_STATEMENT_TIMEOUT_MS. */
const IMPORT_STATEMENT_TIMEOUT_MS = 600_000;
/** COPY data is sent in chunks of about this many characters, not one message per row. */
const COPY_CHUNK = 1 << 16;
const UNIQUE_VIOLATION = '23505';
/** SQLSTATE class 22, data exception: a value PostgreSQL refuses (e.g. a NUL byte) is the file's fault, not a reason to retry. */
const DATA_EXCEPTION_CLASS = '22';

/**
 * `direct`: COPY straight into ingestion.transactions — the fast path for
 * files without resends. `staged`: COPY into a temporary table, then
 * INSERT … ON CONFLICT DO NOTHING so resent externalIds count as duplicates;
 * used when the direct attempt hit one.
 */
type Mode = 'direct' | 'staged';
type ObjectStore = Awaited<ReturnType<typeof openObjectStore>>;

interface Staged {
  rows: number;
  errors: LineError[];
  errorCount: number;
  deltas: DeltaAccumulator;
  conflict: boolean;
}

/**
 * Runs one import: streams the upload out of the object store through the
 * CSV parser, validates every row and COPYs valid rows to PostgreSQL while
 * parsing goes on. Everything happens in one transaction that commits only if
 * no row failed, together with the change events — a failed or crashed import
 * writes nothing.
 */
@Injectable()
export class ImportProcessor {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: NatsBus,
    private readonly imports: ImportsRepository,
    private readonly members: TenantMembers,
    private readonly changes: ChangeLog,
  ) {}

  /**
   * Returns how it went, for the worker's log line. The upload is deleted
   * once the import has an outcome; a run interrupted by infrastructure
   * trouble (it throws) leaves it for the retry.
   */
  async run(id: string, tenantId: string, committedVersion?: string): Promise<{ mode: Mode | 'committed'; ms: number }> {
    const started = performance.now();
    const store = await openObjectStore(this.bus.connection, IMPORTS_BUCKET);
    const name = importObjectName(tenantId, id);
    const mode = await this.finish(id, tenantId, committedVersion, store, name);
    await store.delete(name).catch(() => undefined);
    return { mode, ms: Math.round(performance.now() - started) };
  }

  private async finish(
    id: string,
    tenantId: string,
    committedVersion: string | undefined,
    store: ObjectStore,
    name: string,
  ): Promise<Mode | 'committed'> {
    if (committedVersion !== undefined) {
      // Its rows were committed by a run that stopped before saying so: only that is left to do.
      await this.succeed(tenantId, id, committedVersion);
      return 'committed';
    }
    const members = await this.members.of(tenantId);
    for (const mode of ['direct', 'staged'] as const) {
      const data = await readObject(this.bus.connection, store, name);
      if (!data) {
        await this.imports.fail(tenantId, id, 0, [{ line: 0, field: '(file)', message: 'the upload is gone; send the file again' }], 1);
        return mode;
      }
      if (await this.attempt(mode, id, tenantId, data, members)) return mode;
    }
    throw new Error('a staged import cannot conflict');
  }

  /** Marks a committed import succeeded once the aggregates reflect it (bounded wait). */
  private async succeed(tenantId: string, id: string, version: string): Promise<void> {
    await this.imports.succeed(tenantId, id, await this.changes.applied(tenantId, version));
  }

  /** false when the direct attempt met an existing externalId (nothing was written). */
  private async attempt(
    mode: Mode,
    id: string,
    tenantId: string,
    data: ReadableStream<Uint8Array>,
    members: ReadonlySet<string>,
  ): Promise<boolean> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      // READ COMMITTED, PostgreSQL's default, unnamed: naming it costs TypeORM a second statement.
      await runner.startTransaction();
      // A COPY of up to a million rows and its checks run for far longer than a request's statement bound.
      return await withLongStatements(runner.manager, IMPORT_STATEMENT_TIMEOUT_MS, async () => {
        if (mode === 'staged') {
          await runner.query(`
            CREATE TEMP TABLE import_rows (
              id uuid, external_id text, date date, month char(7), label text, amount_cents bigint,
              category text, subcategory text, expense_type text, member text, exclude boolean, tenant_id uuid
            ) ON COMMIT DROP`);
        }
        const staged = await this.stage(runner, mode, id, tenantId, data, members);
        if (staged.conflict || staged.errorCount > 0) {
          await runner.rollbackTransaction();
          if (staged.conflict) return false;
          await this.imports.fail(tenantId, id, staged.rows, staged.errors, staged.errorCount);
          return true;
        }
        const deltas = mode === 'direct' ? staged.deltas.deltas() : await this.insertStaged(runner.manager, tenantId);
        const version = await this.changes.record(runner.manager, tenantId, 'imported', deltas);
        const accepted = deltas.reduce((n, d) => n + d.addedCount, 0);
        await this.imports.recordOutcome(runner.manager, tenantId, id, {
          rowsProcessed: staged.rows,
          accepted,
          duplicates: staged.rows - accepted,
          version,
        });
        await runner.commitTransaction();
        await this.succeed(tenantId, id, version);
        return true;
      });
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async stage(
    runner: QueryRunner,
    mode: Mode,
    id: string,
    tenantId: string,
    data: ReadableStream<Uint8Array>,
    members: ReadonlySet<string>,
  ): Promise<Staged> {
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const table = mode === 'direct' ? 'ingestion.transactions' : 'import_rows';
    const copy = client.query(copyFrom(`COPY ${table} (${COPY_COLUMNS}) FROM STDIN`));
    let copyError: (Error & { code?: string }) | undefined;
    copy.on('error', (err: Error) => (copyError = err));
    const staged: Staged = { rows: 0, errors: [], errorCount: 0, deltas: new DeltaAccumulator(), conflict: false };
    const report = (lineErrors: LineError[]) => {
      staged.errorCount += lineErrors.length;
      staged.errors.push(...lineErrors.slice(0, MAX_IMPORT_ERRORS - staged.errors.length));
    };
    let chunk = '';
    const flush = async () => {
      if (chunk !== '' && !copyError && !copy.write(chunk)) await Promise.race([once(copy, 'drain'), once(copy, 'error')]);
      chunk = '';
    };
    let columns: string[] | undefined;
    try {
      for await (const { cells, line } of csvRecords(data as unknown as AsyncIterable<Uint8Array>)) {
        if (copyError) break;
        if (!columns) {
          const header = readHeader(cells, line);
          if ('errors' in header) {
            report(header.errors);
            break;
          }
          columns = header.columns;
          continue;
        }
        staged.rows += 1;
        if (staged.rows > MAX_IMPORT_ROWS) {
          report([{ line, field: '(file)', message: `an import holds at most ${MAX_IMPORT_ROWS} rows` }]);
          break;
        }
        const record = readRecord(columns, cells, line, members);
        if (!record.ok) {
          report(record.errors);
          if (staged.errorCount >= IMPORT_ERROR_LIMIT) {
            report([
              { line, field: '(file)', message: `stopped reading after ${IMPORT_ERROR_LIMIT} errors; fix these and send the file again` },
            ]);
            break;
          }
        } else if (staged.errorCount === 0) {
          // Once a row failed nothing will be written; the rest is only validated, to list every error.
          const row = toRow(randomUUID(), record.value);
          if (mode === 'direct') staged.deltas.add(row);
          chunk += copyLine(row, tenantId);
          if (chunk.length >= COPY_CHUNK) await flush();
        }
        if (staged.rows % PROGRESS_EVERY_ROWS === 0) await this.imports.progress(tenantId, id, staged.rows);
      }
    } catch (err) {
      // Malformed CSV (e.g. an unclosed quote): the parser cannot go on past it.
      const e = err as { message: string; lines?: number };
      report([{ line: e.lines ?? 0, field: '(file)', message: e.message }]);
    }
    if (!columns && staged.errorCount === 0) report([{ line: 1, field: '(file)', message: 'the file is empty; it needs a header row' }]);
    await flush();
    copy.end();
    try {
      await finished(copy);
    } catch (err) {
      copyError ??= err as Error;
    }
    if (copyError) {
      if (mode === 'direct' && copyError.code === UNIQUE_VIOLATION) staged.conflict = true;
      else if (copyError.code?.startsWith(DATA_EXCEPTION_CLASS))
        report([{ line: 0, field: '(file)', message: 'the file holds a value the database cannot store' }]);
      else throw copyError;
    }
    return staged;
  }

  /** Moves staged rows in (resent externalIds skipped) and pre-aggregates what went in, in SQL. */
  private async insertStaged(em: EntityManager, tenantId: string): Promise<TransactionDelta[]> {
    const groups: {
      month: string;
      category: string;
      subcategory: string;
      expense_type: 'FIXED' | 'VARIABLE';
      member: string | null;
      exclude: boolean;
      count: number;
      sum: string;
      min: string;
      max: string;
    }[] = await em.query(
      `WITH inserted AS (
         INSERT INTO ingestion.transactions (${COPY_COLUMNS})
         SELECT ${COPY_COLUMNS.replace('tenant_id', '$1::uuid')} FROM import_rows
         ON CONFLICT (tenant_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING month, category, subcategory, expense_type, member, exclude, amount_cents)
       SELECT month, category, subcategory, expense_type, member, exclude,
              count(*)::int AS count, sum(amount_cents)::text AS sum, min(amount_cents)::text AS min, max(amount_cents)::text AS max
         FROM inserted GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
      [tenantId],
    );
    return groups.map((g) => ({
      month: g.month,
      category: g.category,
      subcategory: g.subcategory,
      expenseType: g.expense_type,
      member: g.member,
      excluded: g.exclude,
      addedCount: g.count,
      addedCents: g.sum,
      addedMinCents: g.min,
      addedMaxCents: g.max,
      removedCount: 0,
      removedCents: '0',
    }));
  }
}
