import { AppError, isCalendarDate } from '@ledgerline/contracts';

/** Opaque keyset cursor: base64url of the last row's [date, id]. */
export function encodeCursor(position: { date: string; id: string }): string {
  return Buffer.from(JSON.stringify([position.date, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string | undefined): { date: string; id: string } | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [date, id] = value as unknown[];
      if (typeof date === 'string' && typeof id === 'string' && isCalendarDate(date) && UUID.test(id)) return { date, id };
    }
  } catch {
    // fall through to the 422 below
  }
  throw new AppError('validation-failed', 'The query has invalid fields.', [
    { field: 'cursor', message: 'is not a cursor from a previous page' },
  ]);
}
