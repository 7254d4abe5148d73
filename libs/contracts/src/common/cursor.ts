import { z } from 'zod';
import { isCalendarDate } from './primitives';

/** A keyset position in a newest-first list: the last row's date and id. */
export interface KeysetPosition {
  date: string;
  id: string;
}

/** Opaque keyset cursor: base64url of the last row's [date, id]. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.date, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** The position a cursor names; null for no cursor (the first page) and for anything that is not one of ours. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | null {
  if (cursor === undefined || cursor === '' || cursor.length > 200 || !BASE64URL.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [date, id] = value as unknown[];
      if (typeof date === 'string' && typeof id === 'string' && isCalendarDate(date) && UUID.test(id)) return { date, id };
    }
  } catch {
    // not JSON: not a cursor
  }
  return null;
}

export const CURSOR_ERROR = 'is not a cursor from a previous page';

/** A `cursor` query value: checked at the edge, so a bad one is a 422 naming the field before any service is asked. */
export const cursorString = z
  .string({ error: CURSOR_ERROR })
  .refine((cursor) => cursor === '' || decodeCursor(cursor) !== null, { error: CURSOR_ERROR });
