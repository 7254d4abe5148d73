import { TRANSACTION_INPUT_FIELDS, type Transaction } from '@ledgerline/contracts';
import { stringify } from 'csv-stringify/sync';

const COLUMNS: readonly (keyof Transaction)[] = ['id', ...TRANSACTION_INPUT_FIELDS];

/**
 * RFC 4180: cells holding a comma, quote or line break quoted, quotes doubled.
 * csv-stringify quotes a bare \r or \n only when told (it looks for the whole
 * \r\n), and writes booleans as 1/empty unless cast; null is an empty cell.
 */
const CSV = {
  columns: COLUMNS,
  record_delimiter: '\r\n',
  quoted_match: /[\r\n]/,
  cast: { boolean: (value: boolean) => String(value) },
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
    begin: () => stringify([], { ...CSV, header: true }),
    rows: (rows) => stringify([...rows], CSV),
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
