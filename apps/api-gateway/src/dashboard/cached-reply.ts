import { rawReplyJson, type RawReply } from '@ledgerline/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';

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

/**
 * Sends a reply the cache-gateway serialized, as is: gzipped bytes go out
 * gzipped to clients that accept it (no JSON, no compression work here) and
 * are inflated once for the others.
 */
export function sendCachedJson(request: FastifyRequest, reply: FastifyReply, raw: RawReply): void {
  void reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
  if (raw.encoding === 'gzip' && acceptsGzip(request.headers['accept-encoding'])) {
    void reply.header('content-encoding', 'gzip').send(Buffer.from(raw.body));
    return;
  }
  void reply.send(raw.encoding === 'gzip' ? rawReplyJson(raw) : Buffer.from(raw.body));
}
