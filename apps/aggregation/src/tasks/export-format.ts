import type { Transaction } from '@ledgerline/contracts';

const COLUMNS: (keyof Transaction)[] = [
  'id',
  'externalId',
  'date',
  'month',
  'label',
  'amount',
  'category',
  'subcategory',
  'expenseType',
  'member',
  'exclude',
];

/** RFC 4180: quote cells holding a comma, quote or line break; double the quotes. */
const csvCell = (value: string | boolean | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * Streams an export in pieces: `begin`, then `rows` per chunk, then `end`.
 * The CSV header uses the import column names, plus the stored `id`.
 */
export interface ExportFormat {
  contentType: string;
  extension: string;
  begin(): string;
  rows(rows: readonly Transaction[], first: boolean): string;
  end(): string;
}

export const EXPORT_FORMATS: Record<'csv' | 'json', ExportFormat> = {
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    begin: () => `${COLUMNS.join(',')}\r\n`,
    rows: (rows) => rows.map((r) => `${COLUMNS.map((c) => csvCell(r[c])).join(',')}\r\n`).join(''),
    end: () => '',
  },
  json: {
    contentType: 'application/json',
    extension: 'json',
    begin: () => '[',
    rows: (rows, first) => (first ? '' : ',') + rows.map((r) => JSON.stringify(r)).join(','),
    end: () => ']',
  },
};
