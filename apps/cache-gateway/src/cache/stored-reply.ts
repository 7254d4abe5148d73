import type { RawReply } from '@ledgerline/messaging';

/**
 * How a reply sits in Redis: one string — a one-letter encoding tag, the
 * version the figures reflect (digits, possibly none), a `|`, and the bytes
 * (base64 when gzipped, the JSON text itself otherwise). Decoding is a slice
 * and at most a base64 decode — never a JSON parse.
 */
export function encodeStored(reply: RawReply): string {
  const head = `${reply.encoding === 'gzip' ? 'g' : 'j'}${reply.version ?? ''}|`;
  return reply.encoding === 'gzip'
    ? `${head}${Buffer.from(reply.body).toString('base64')}`
    : `${head}${Buffer.from(reply.body).toString('utf8')}`;
}

export function decodeStored(stored: string): RawReply | undefined {
  const tag = stored[0];
  const bar = stored.indexOf('|');
  if ((tag !== 'g' && tag !== 'j') || bar < 1 || !/^\d*$/.test(stored.slice(1, bar))) return undefined;
  const version = bar > 1 ? { version: stored.slice(1, bar) } : {};
  const data = stored.slice(bar + 1);
  return tag === 'g'
    ? { body: Buffer.from(data, 'base64'), encoding: 'gzip', ...version }
    : { body: Buffer.from(data, 'utf8'), encoding: 'identity', ...version };
}
