import { decodeCursor, encodeCursor } from './cursor';

describe('drill-down cursor', () => {
  it('round-trips a keyset position', () => {
    const position = { date: '2026-10-03', id: '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor(undefined)).toBeNull();
  });

  it.each([
    'garbage',
    Buffer.from('["2026-02-30","0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11"]').toString('base64url'),
    Buffer.from('["2026-02-01","x"]').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('rejects %s with a 422 on the cursor field', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({
        code: 'validation-failed',
        errors: [{ field: 'cursor', message: 'is not a cursor from a previous page' }],
      }),
    );
  });
});
