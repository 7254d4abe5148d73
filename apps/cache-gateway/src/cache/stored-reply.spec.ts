import { gzipSync } from 'node:zlib';
import { decodeStored, encodeStored } from './stored-reply';

describe('stored replies', () => {
  it('round-trips JSON text and gzipped bytes exactly', () => {
    const json = { body: Buffer.from('{"total":"12.34","label":"café | ü"}'), encoding: 'identity' as const };
    const gz = { body: gzipSync(Buffer.from('x'.repeat(5000))), encoding: 'gzip' as const };
    for (const reply of [json, gz]) {
      const decoded = decodeStored(encodeStored(reply));
      expect(decoded?.encoding).toBe(reply.encoding);
      expect(Buffer.compare(Buffer.from(decoded?.body ?? []), Buffer.from(reply.body))).toBe(0);
    }
  });

  it('keeps the version the figures reflect, and its absence', () => {
    const versioned = { body: Buffer.from('{"a":1}'), encoding: 'identity' as const, version: '42' };
    expect(decodeStored(encodeStored(versioned))).toEqual({ ...versioned, body: Buffer.from('{"a":1}') });
    expect(decodeStored(encodeStored({ body: Buffer.from('[]'), encoding: 'identity' }))?.version).toBeUndefined();
  });

  it('treats anything it did not write as a miss', () => {
    expect(decodeStored('j{"a":1}')).toBeUndefined();
    expect(decodeStored('')).toBeUndefined();
    expect(decodeStored('{"value":1}')).toBeUndefined();
  });
});
