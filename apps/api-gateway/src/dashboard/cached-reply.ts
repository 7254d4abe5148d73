import { VERSION_HEADER } from '@ledgerline/contracts';
import { rawReplyJson, type RawReply } from '@ledgerline/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** gzip is acceptable unless the client did not list it or gave it q=0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Per reply object, computed on first use: cached replies are shared, so each is hashed or inflated once. */
const etags = new WeakMap<RawReply, string>();
const inflated = new WeakMap<RawReply, Buffer>();

/**
 * A weak validator: the version the figures reflect, plus a digest of the
 * bytes, because changes that are not transactions (fixed lines, provisions,
 * tenant settings) change figures without moving the version. Weak, since
 * the gzip and identity representations of one reply share it.
 */
export function etagOf(reply: RawReply): string {
  let tag = etags.get(reply);
  if (tag === undefined) {
    // Of the JSON itself, so the cache's gzipped copy and the source's plain one share the tag.
    const digest = createHash('sha256').update(identityBody(reply)).digest('base64url').slice(0, 22);
    tag = `W/"${reply.version ?? '0'}-${digest}"`;
    etags.set(reply, tag);
  }
  return tag;
}

/** RFC 9110 §13.1.2: `*`, or any listed tag equal by the weak comparison. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return (tag.startsWith('W/') ? tag.slice(2) : tag) === opaque;
  });
}

function identityBody(raw: RawReply): Buffer {
  if (raw.encoding === 'identity') return Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength);
  let body = inflated.get(raw);
  if (body === undefined) {
    body = gunzipSync(raw.body);
    inflated.set(raw, body);
  }
  return body;
}

/**
 * Sends a reply the cache-gateway serialized, as is: gzipped bytes go out
 * gzipped to clients that accept it (no JSON, no compression work here) and
 * inflated (once per reply) for the others. Every answer names the version it
 * reflects and carries an ETag; a current `If-None-Match` is a 304.
 */
export function sendCachedJson(request: FastifyRequest, reply: FastifyReply, raw: RawReply): void {
  const etag = etagOf(raw);
  // Dashboards change with every write: a browser may keep the figures, but must revalidate them (cheap, with the ETag).
  void reply.header('vary', 'accept-encoding').header('cache-control', 'private, no-cache').header('etag', etag);
  if (raw.version !== undefined) void reply.header(VERSION_HEADER, raw.version);
  if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
    void reply.code(304).send();
    return;
  }
  void reply.header('content-type', 'application/json; charset=utf-8');
  if (raw.encoding === 'gzip' && acceptsGzip(request.headers['accept-encoding'])) {
    void reply.header('content-encoding', 'gzip').send(Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength));
    return;
  }
  void reply.send(identityBody(raw));
}

/** The JSON text of a cached reply (for answers composed of several). */
export const cachedJsonText = (raw: RawReply): string =>
  raw.encoding === 'identity' ? rawReplyJson(raw) : identityBody(raw).toString('utf8');
