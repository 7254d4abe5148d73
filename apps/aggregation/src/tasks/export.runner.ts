import { EXPORTS_BUCKET, getExportRows, monthsBetween, type ExportBody, type Transaction } from '@ledgerline/contracts';
import { NatsBus, openObjectStore } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { EXPORT_FORMATS } from './export-format';

/** Rows per request to ingestion: well under NATS' 1 MB default payload. */
const CHUNK_ROWS = 2_000;

export class TaskCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * Streams a tenant's rows for a month range, in keyset chunks asked of
 * ingestion (the rows' owner), into the object store as CSV or JSON — never
 * the whole export in memory. `checkpoint` reports progress and says when to stop.
 */
@Injectable()
export class ExportRunner {
  constructor(private readonly bus: NatsBus) {}

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
        const chunk = await this.bus.request(getExportRows, { tenantId, from: body.from, to: body.to, after, limit: CHUNK_ROWS });
        if (chunk.length === 0) {
          controller.enqueue(encoder.encode(format.end()));
          controller.close();
          done = true;
          return;
        }
        controller.enqueue(encoder.encode(format.rows(chunk, rows === 0)));
        rows += chunk.length;
        const last = chunk[chunk.length - 1] as Transaction;
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
}
