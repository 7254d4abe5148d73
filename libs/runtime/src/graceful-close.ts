import type { FastifyInstance } from 'fastify';

/**
 * On SIGTERM the server stops listening, but keep-alive connections stay open
 * and close() waits for them (Fastify's keep-alive timeout is 72 s, longer than
 * Kubernetes' 30 s grace): idle ones are closed at once, and a response still
 * in flight tells its client to close the connection after it. Returns
 * whether the server is closing, for handlers that answer ahead of Fastify.
 */
export function closeConnectionsOnShutdown(fastify: FastifyInstance): () => boolean {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    fastify.server.closeIdleConnections();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return () => closing;
}
