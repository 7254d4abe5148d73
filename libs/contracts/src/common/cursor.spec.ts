import { cursorString, decodeCursor, encodeCursor } from './cursor';

describe('keyset cursor', () => {
  it('round-trips a keyset position', () => {
    const position = { date: '2026-10-03', id: '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
    expect(cursorString.safeParse(cursor).success).toBe(true);
  });

  it('reads no cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
    expect(cursorString.safeParse('').success).toBe(true);
  });

  it.each([
    'garbage',
    '!!!',
    'a'.repeat(201),
    Buffer.from('["2026-02-30","0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11"]').toString('base64url'),
    Buffer.from('["2026-02-01","x"]').toString('base64url'),
    Buffer.from('["2026-02-01","0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11",1]').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('rejects %s', (cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
    const parsed = cursorString.safeParse(cursor);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual(['is not a cursor from a previous page']);
  });

  it('rejects a value that is not a string', () => {
    expect(cursorString.safeParse(['a', 'b']).success).toBe(false);
  });
});
