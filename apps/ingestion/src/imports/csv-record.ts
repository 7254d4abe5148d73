import { parse } from 'csv-parse';
import { once } from 'node:events';
import { TRANSACTION_INPUT_FIELDS, transactionInputSchema, type TransactionInput } from '@ledgerline/contracts';

/** CSV columns: SPEC.md's transaction fields, in any order. */
const CSV_FIELDS: readonly string[] = TRANSACTION_INPUT_FIELDS;
const REQUIRED = ['date', 'amount', 'category'] as const;

export interface LineError {
  line: number;
  field: string;
  message: string;
}

/** Checks the header row; returns the column order or the header's errors (line 1). */
export function readHeader(cells: readonly string[], line: number): { columns: string[] } | { errors: LineError[] } {
  const columns = cells.map((c) => c.trim());
  const errors: LineError[] = [];
  const seen = new Set<string>();
  columns.forEach((column) => {
    if (!CSV_FIELDS.includes(column)) {
      errors.push({ line, field: column || '(empty)', message: `unknown column; expected some of ${CSV_FIELDS.join(', ')}` });
    } else if (seen.has(column)) {
      errors.push({ line, field: column, message: 'column appears twice' });
    }
    seen.add(column);
  });
  for (const required of REQUIRED) {
    if (!seen.has(required)) errors.push({ line, field: required, message: 'required column is missing' });
  }
  return errors.length > 0 ? { errors } : { columns };
}

const BOOLEAN: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

/**
 * One CSV record → a validated transaction, or its field errors. Empty cells
 * mean "not given" (defaults apply); `exclude` takes true/false/1/0/yes/no.
 */
export function readRecord(
  columns: readonly string[],
  cells: readonly string[],
  line: number,
  members?: ReadonlySet<string>,
): { ok: true; value: TransactionInput } | { ok: false; errors: LineError[] } {
  if (cells.length !== columns.length) {
    return { ok: false, errors: [{ line, field: '(row)', message: `has ${cells.length} cells; the header has ${columns.length}` }] };
  }
  const raw: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const cell = cells[i] as string;
    if (cell === '') return;
    if (column === 'exclude') raw.exclude = BOOLEAN[cell.trim().toLowerCase()] ?? cell;
    else raw[column] = cell;
  });
  const parsed = transactionInputSchema.safeParse(raw);
  const errors: LineError[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ line, field: String(issue.path[0] ?? '(row)'), message: issue.message }));
  if (members && typeof raw.member === 'string' && !members.has(raw.member) && !errors.some((e) => e.field === 'member')) {
    errors.push({ line, field: 'member', message: `unknown member "${raw.member}"` });
  }
  return parsed.success && errors.length === 0 ? { ok: true, value: parsed.data } : { ok: false, errors };
}

/**
 * The records of a CSV stream with the line each starts on. RFC 4180 via
 * csv-parse; a UTF-8 BOM is dropped; blank lines are skipped; a row with the
 * wrong number of cells is reported by `readRecord`, not thrown here.
 */
export async function* csvRecords(input: AsyncIterable<Uint8Array | string>): AsyncGenerator<{ cells: string[]; line: number }> {
  // Blank lines come through as one empty cell and are skipped here, which keeps the line count exact
  // without csv-parse's per-record info (a third of its speed).
  const parser = parse({ bom: true, relax_column_count: true });
  let line = 1;
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        // The reader stopped early (a bad header, too many errors, a conflict): leaving the loop cancels the input,
        // which ends the upload's stream instead of leaving it (and its consumer) waiting forever.
        if (parser.destroyed) break;
        if (!parser.write(chunk) && !parser.destroyed) await Promise.race([once(parser, 'drain'), once(parser, 'close')]);
      }
      if (!parser.destroyed) parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const start = line;
      line += 1;
      for (const cell of cells) if (cell.includes('\n')) line += count(cell, '\n');
      if (cells.length === 1 && cells[0] === '') continue;
      yield { cells, line: start };
    }
  } finally {
    parser.destroy();
  }
  await feeding;
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
