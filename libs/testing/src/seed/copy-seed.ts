import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SeedRow } from './generator';

const escape = (value: string): string =>
  value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** One row in COPY text format for ingestion.transactions. */
export function seedCopyLine(tenantId: string, row: SeedRow): string {
  const cents = row.amount.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1');
  return `${randomUUID()}\t${tenantId}\t${escape(row.externalId)}\t${row.date}\t${row.month}\t${escape(row.label)}\t${cents}\t${escape(row.category)}\t${escape(row.subcategory)}\t${row.expenseType}\t${row.member === undefined ? '\\N' : escape(row.member)}\t${row.exclude ? 't' : 'f'}\n`;
}

export const SEED_COPY_COLUMNS =
  'id, tenant_id, external_id, date, month, label, amount_cents, category, subcategory, expense_type, member, exclude';

/**
 * COPYs generated rows straight into ingestion.transactions — the same table
 * the ingest path writes — for datasets too big to send through the API in
 * reasonable time. No change events are written: rebuild the rollups after
 * (POST /v1/dashboard/refresh per month).
 */
export async function copyRows(
  databaseUrl: string,
  tenantId: string,
  rows: Iterable<SeedRow>,
  table = 'ingestion.transactions',
): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const copy = client.query(copyFrom(`COPY ${table} (${SEED_COPY_COLUMNS}) FROM STDIN`));
    let count = 0;
    let chunk = '';
    for (const row of rows) {
      chunk += seedCopyLine(tenantId, row);
      count += 1;
      if (chunk.length > 1 << 20) {
        if (!copy.write(chunk)) await once(copy, 'drain');
        chunk = '';
      }
    }
    copy.end(chunk);
    await finished(copy);
    return count;
  } finally {
    await client.end();
  }
}
