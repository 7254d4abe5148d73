import { EXPORTS_BUCKET, type ExportBody } from '@ledgerline/contracts';
import { NatsBus, openObjectStore } from '@ledgerline/messaging';
import { formatMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { monthsBetween } from '@ledgerline/contracts';
import { EXPORT_FORMATS, type ExportRow } from './export-format';

const CHUNK_ROWS = 5_000;

export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface RawRow {
  id: string;
  external_id: string | null;
  date: string;
  month: string;
  label: string | null;
  amount_cents: string;
  category: string;
  subcategory: string;
  expense_type: 'FIXED' | 'VARIABLE';
  member: string | null;
  exclude: boolean;
}

const toExportRow = (r: RawRow): ExportRow => ({
  id: r.id,
  externalId: r.external_id,
  date: r.date,
  month: r.month,
  label: r.label,
  amount: formatMoney(BigInt(r.amount_cents)),
  category: r.category,
  subcategory: r.subcategory,
  expenseType: r.expense_type,
  member: r.member,
  exclude: r.exclude,
});

/**
 * Streams a tenant's rows for a month range, in keyset chunks through the
 * read-only view, into the object store as CSV or JSON — never the whole
 * export in memory. `checkpoint` reports progress and says when to stop.
 */
@Injectable()
export class ExportRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: NatsBus,
  ) {}

  async run(
    taskId: string,
    tenantId: string,
    body: ExportBody,
    checkpoint: (progress: number) => Promise<boolean>,
  ): Promise<Record<string, unknown>> {
    const format = EXPORT_FORMATS[body.format];
    const months = monthsBetween(body.from, body.to);
    const encoder = new TextEncoder();
    let after: { month: string; date: string; id: string } | null = null;
    let rows = 0;
    let started = false;
    let done = false;
    const source = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(format.begin()));
          return;
        }
        if (done) return;
        const chunk = await this.chunk(tenantId, body.from, body.to, after);
        if (chunk.length === 0) {
          controller.enqueue(encoder.encode(format.end()));
          controller.close();
          done = true;
          return;
        }
        controller.enqueue(encoder.encode(format.rows(chunk.map(toExportRow), rows === 0)));
        rows += chunk.length;
        const last = chunk[chunk.length - 1] as RawRow;
        after = { month: last.month, date: last.date, id: last.id };
        const progress = (months.indexOf(last.month) + 1) / (months.length + 1);
        if (await checkpoint(progress)) controller.error(new TaskCancelled());
      },
    });
    const store = await openObjectStore(this.bus.connection, EXPORTS_BUCKET);
    try {
      const info = await store.put({ name: taskId }, source);
      return { rows, bytes: info.size, format: body.format, from: body.from, to: body.to };
    } catch (err) {
      await store.delete(taskId).catch(() => undefined);
      throw err;
    }
  }

  private chunk(tenantId: string, from: string, to: string, after: { month: string; date: string; id: string } | null): Promise<RawRow[]> {
    return this.db.query(
      `SELECT id, external_id, to_char(date, 'YYYY-MM-DD') AS date, month, label, amount_cents, category, subcategory, expense_type, member, exclude
         FROM ingestion.transactions_read
        WHERE tenant_id = $1 AND month BETWEEN $2 AND $3
          AND ($4::text IS NULL OR (month, date, id) > ($4::text, $5::date, $6::uuid))
        ORDER BY month, date, id
        LIMIT ${CHUNK_ROWS}`,
      [tenantId, from, to, after?.month ?? null, after?.date ?? null, after?.id ?? null],
    );
  }
}
