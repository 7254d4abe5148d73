import { VERSION_HEADER } from '@ledgerline/contracts';
import { rawReplyJson, type RawReply } from '@ledgerline/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
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

/** The reply's JSON (inflated once per reply when the cache stored it gzipped). */
function identityBody(raw: RawReply): Buffer {
  let body = inflated.get(raw);
  if (body === undefined) {
    body = raw.encoding === 'identity' ? storedBody(raw) : gunzipSync(raw.body);
    inflated.set(raw, body);
  }
  return body;
}

/** The bytes as stored (gzipped or not), as a Buffer over the same memory. */
const storedBody = (raw: RawReply): Buffer => Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength);

/** What a cached reply becomes for one request: status, headers (lowercase names) and body. Shared: never modify one. */
export interface CachedAnswer {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

const VERSION_HEADER_LOWER = VERSION_HEADER.toLowerCase();

type Variant = 'notModified' | 'gzip' | 'identity';
/** A reply is answered in at most three ways, each built once: warm hits allocate nothing for it. */
const answers = new WeakMap<RawReply, Partial<Record<Variant, CachedAnswer>>>();

/**
 * A reply the cache-gateway serialized, as is: gzipped bytes go out gzipped
 * to clients that accept it (no JSON, no compression work here) and inflated
 * (once per reply) for the others. Every answer names the version it reflects
 * and carries an ETag; a current `If-None-Match` is a 304.
 */
export function cachedAnswer(raw: RawReply, requestHeaders: IncomingHttpHeaders): CachedAnswer {
  const etag = etagOf(raw);
  const variant: Variant = matchesIfNoneMatch(requestHeaders['if-none-match'], etag)
    ? 'notModified'
    : raw.encoding === 'gzip' && acceptsGzip(requestHeaders['accept-encoding'])
      ? 'gzip'
      : 'identity';
  let byVariant = answers.get(raw);
  if (byVariant === undefined) answers.set(raw, (byVariant = {}));
  return (byVariant[variant] ??= answerOf(raw, etag, variant));
}

function answerOf(raw: RawReply, etag: string, variant: Variant): CachedAnswer {
  // Dashboards change with every write: a browser may keep the figures, but must revalidate them (cheap, with the ETag).
  const headers: Record<string, string> = { vary: 'accept-encoding', 'cache-control': 'private, no-cache', etag };
  if (raw.version !== undefined) headers[VERSION_HEADER_LOWER] = raw.version;
  if (variant === 'notModified') return Object.freeze({ status: 304, headers: Object.freeze(headers) });
  headers['content-type'] = 'application/json; charset=utf-8';
  if (variant === 'gzip') headers['content-encoding'] = 'gzip';
  const body = variant === 'gzip' ? storedBody(raw) : identityBody(raw);
  return Object.freeze({ status: 200, headers: Object.freeze(headers), body });
}

/** Sends a cached reply through Fastify (whose compression may still encode an identity body the client wants otherwise). */
export function sendCachedJson(request: FastifyRequest, reply: FastifyReply, raw: RawReply): void {
  const answer = cachedAnswer(raw, request.headers);
  void reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/** The JSON text of a cached reply (for answers composed of several). */
export const cachedJsonText = (raw: RawReply): string =>
  raw.encoding === 'identity' ? rawReplyJson(raw) : identityBody(raw).toString('utf8');
