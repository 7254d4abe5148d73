import type { FieldError } from '@ledgerline/contracts';

/**
 * Unknown members of a batch that already failed its format checks, so one
 * 422 lists both kinds (SPEC). Ingestion stays the authority on members and
 * reports them itself for batches that reach it; this only completes the
 * answer for batches that never do. Rows whose `member` already has a format
 * error are not reported twice.
 */
export function unknownMemberErrors(body: unknown, members: ReadonlySet<string>, formatErrors: readonly FieldError[]): FieldError[] {
  const rows = (body as { transactions?: unknown } | null)?.transactions;
  if (!Array.isArray(rows)) return [];
  const flagged = new Set(formatErrors.filter((e) => e.field === 'member' && e.index !== undefined).map((e) => e.index));
  const errors: FieldError[] = [];
  rows.forEach((row: unknown, index) => {
    const member = (row as { member?: unknown } | null)?.member;
    if (typeof member === 'string' && !members.has(member) && !flagged.has(index)) {
      errors.push({ index, field: 'member', message: `unknown member "${member}"` });
    }
  });
  return errors;
}

/** Errors outside the rows first, then by row, keeping each row's own order. */
export function byRow(errors: readonly FieldError[]): FieldError[] {
  return errors
    .map((error, order) => ({ error, order }))
    .sort((a, b) => (a.error.index ?? -1) - (b.error.index ?? -1) || a.order - b.order)
    .map(({ error }) => error);
}
