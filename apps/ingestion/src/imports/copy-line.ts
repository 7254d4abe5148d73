import type { TransactionRow } from '../transactions/transaction-row';

/** PostgreSQL COPY text format: tab-separated, backslash escapes, \N for NULL. */
const escape = (value: string): string =>
  value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
const cell = (value: string | null): string => (value === null ? '\\N' : escape(value));

/** Column order of every COPY line below; `tenant_id` comes last. */
export const COPY_COLUMNS =
  'id, external_id, date, month, label, amount_cents, category, subcategory, expense_type, member, exclude, tenant_id';

export function copyLine(row: TransactionRow, tenantId: string): string {
  return `${row.id}\t${cell(row.externalId)}\t${row.date}\t${row.month}\t${cell(row.label)}\t${row.amountCents}\t${cell(row.category)}\t${cell(row.subcategory)}\t${row.expenseType}\t${cell(row.member)}\t${row.exclude ? 't' : 'f'}\t${tenantId}\n`;
}
