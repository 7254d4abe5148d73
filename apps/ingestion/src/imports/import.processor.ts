import {
  importObjectName,
  IMPORTS_BUCKET,
  MAX_IMPORT_ERRORS,
  MAX_IMPORT_ROWS,
  transactionsChanged,
  type TransactionDelta,
} from '@ledgerline/contracts';
import { NatsBus, openObjectStore } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { OutboxRelay } from '../outbox/outbox.relay';
import { ChangeApplier, type ChangeEvent } from '../transactions/change-applier';
import { TenantMembers } from '../transactions/tenant-members';
import { toRow } from '../transactions/transaction-row';
import { TransactionsRepository } from '../transactions/transactions.repository';
import { copyLine, STAGING_COLUMNS } from './copy-line';
import { csvRecords, readHeader, readRecord, type LineError } from './csv-record';
import { ImportsRepository } from './imports.repository';

const PROGRESS_EVERY_ROWS = 10_000;
/** Keeps each event (and its JetStream message) well under NATS' default 1 MB payload. */
const DELTAS_PER_EVENT = 2_000;

/**
 * Runs one import: streams the upload out of the object store through the
 * CSV parser, validates every row, COPYs valid rows into a staging table and,
 * only if no row failed, moves them into ingestion.transactions with their
 * change events — all in one PostgreSQL transaction, so a failed or crashed
 * import writes nothing.
 */
@Injectable()
export class ImportProcessor {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: NatsBus,
    private readonly imports: ImportsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly members: TenantMembers,
    private readonly relay: OutboxRelay,
    private readonly applier: ChangeApplier,
  ) {}

  async run(id: string, tenantId: string): Promise<void> {
    const store = await openObjectStore(this.bus.connection, IMPORTS_BUCKET);
    const name = importObjectName(tenantId, id);
    const object = await store.get(name);
    if (!object) {
      await this.imports.fail(id, 0, [{ line: 0, field: '(file)', message: 'the upload is gone; send the file again' }], 1);
      return;
    }
    const members = await this.members.of(tenantId);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      await runner.query(`
        CREATE TEMP TABLE import_rows (
          id uuid, external_id text, date date, month char(7), label text, amount_cents bigint,
          category text, subcategory text, expense_type text, member text, exclude boolean
        ) ON COMMIT DROP`);
      const outcome = await this.stage(runner, id, object.data, members);
      if (outcome.errorCount > 0) {
        await runner.rollbackTransaction();
        await this.imports.fail(id, outcome.rows, outcome.errors, outcome.errorCount);
        return;
      }
      const { accepted, events } = await this.commitRows(runner.manager, tenantId);
      await runner.commitTransaction();
      this.relay.kick();
      let applied = true;
      for (const event of events) applied = (await this.applier.apply(event)) && applied;
      await this.imports.succeed(id, { rowsProcessed: outcome.rows, accepted, duplicates: outcome.rows - accepted, applied });
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
      await store.delete(name).catch(() => undefined);
    }
  }

  private async stage(
    runner: QueryRunner,
    id: string,
    data: ReadableStream<Uint8Array>,
    members: ReadonlySet<string>,
  ): Promise<{ rows: number; errors: LineError[]; errorCount: number }> {
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    const copy = client.query(copyFrom(`COPY import_rows (${STAGING_COLUMNS}) FROM STDIN`));
    const errors: LineError[] = [];
    let errorCount = 0;
    const report = (lineErrors: LineError[]) => {
      errorCount += lineErrors.length;
      errors.push(...lineErrors.slice(0, MAX_IMPORT_ERRORS - errors.length));
    };
    let columns: string[] | undefined;
    let rows = 0;
    try {
      for await (const { cells, line } of csvRecords(data as unknown as AsyncIterable<Uint8Array>)) {
        if (!columns) {
          const header = readHeader(cells, line);
          if ('errors' in header) {
            report(header.errors);
            break;
          }
          columns = header.columns;
          continue;
        }
        rows += 1;
        if (rows > MAX_IMPORT_ROWS) {
          report([{ line, field: '(file)', message: `an import holds at most ${MAX_IMPORT_ROWS} rows` }]);
          break;
        }
        const record = readRecord(columns, cells, line, members);
        if (!record.ok) report(record.errors);
        else if (errorCount === 0 && !copy.write(copyLine(toRow(randomUUID(), record.value)))) {
          await once(copy, 'drain');
        }
        if (rows % PROGRESS_EVERY_ROWS === 0) await this.imports.progress(id, rows);
      }
    } catch (err) {
      // Malformed CSV (e.g. an unclosed quote): the parser cannot go on past it.
      const e = err as { message: string; lines?: number };
      report([{ line: e.lines ?? 0, field: '(file)', message: e.message }]);
    }
    if (!columns && errorCount === 0) report([{ line: 1, field: '(file)', message: 'the file is empty; it needs a header row' }]);
    copy.end();
    await finished(copy);
    return { rows, errors, errorCount };
  }

  /** Moves staged rows in (resends skipped) and enqueues their change events, pre-aggregated in SQL. */
  private async commitRows(em: EntityManager, tenantId: string): Promise<{ accepted: number; events: ChangeEvent[] }> {
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
         INSERT INTO ingestion.transactions (${STAGING_COLUMNS}, tenant_id)
         SELECT ${STAGING_COLUMNS}, $1::uuid FROM import_rows
         ON CONFLICT (tenant_id, external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING month, category, subcategory, expense_type, member, exclude, amount_cents)
       SELECT month, category, subcategory, expense_type, member, exclude,
              count(*)::int AS count, sum(amount_cents)::text AS sum, min(amount_cents)::text AS min, max(amount_cents)::text AS max
         FROM inserted GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
      [tenantId],
    );
    const deltas: TransactionDelta[] = groups.map((g) => ({
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
    const events: ChangeEvent[] = [];
    for (let i = 0; i < deltas.length; i += DELTAS_PER_EVENT) {
      const chunk = deltas.slice(i, i + DELTAS_PER_EVENT);
      const event: ChangeEvent = {
        eventId: randomUUID(),
        tenantId,
        occurredAt: new Date().toISOString(),
        cause: 'imported',
        months: [...new Set(chunk.map((d) => d.month))],
        deltas: chunk,
      };
      await this.transactions.enqueue(em, transactionsChanged.subject, event);
      events.push(event);
    }
    return { accepted: groups.reduce((n, g) => n + g.count, 0), events };
  }
}
