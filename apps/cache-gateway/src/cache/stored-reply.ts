import type { RawReply } from '@ledgerline/messaging';

/**
 * How a reply sits in Redis: one string, a one-letter encoding tag and the
 * bytes (base64 when gzipped, the JSON text itself otherwise). Decoding is a
 * slice and at most a base64 decode — never a JSON parse.
 */
export function encodeStored(reply: RawReply): string {
  return reply.encoding === 'gzip' ? `g${Buffer.from(reply.body).toString('base64')}` : `j${Buffer.from(reply.body).toString('utf8')}`;
}

export function decodeStored(stored: string): RawReply | undefined {
  const tag = stored[0];
  if (tag === 'g') return { body: Buffer.from(stored.slice(1), 'base64'), encoding: 'gzip' };
  if (tag === 'j') return { body: Buffer.from(stored.slice(1), 'utf8'), encoding: 'identity' };
  return undefined;
}
