import fastifyCompress from '@fastify/compress';
import fastifyCors from '@fastify/cors';
import { AppError } from '@ledgerline/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { trace } from '@opentelemetry/api';
import { constants as zlib } from 'node:zlib';
import { AuthService } from '../auth/auth.service';
import type { GatewayConfig } from '../config';
import { DashboardReader } from '../dashboard/dashboard-reader';
import { fastReads } from '../dashboard/fast-read';
import { registerDocs } from '../openapi/docs';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import { refundServerFailures } from '../rate-limit/refund-server-failures';
import { acceptJsonOnly } from './json-body';
import { requestId } from './request-id';
import { addSecurityHeaders, securityHeaders } from './security-headers';
import type { PreDispatch } from '@ledgerline/runtime';

/** Headers a browser client may read: rate-limit state, retry hints, the request id. */
const EXPOSED_HEADERS = [
  'RateLimit',
  'RateLimit-Policy',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
  'Ledgerline-Version',
];

/** Smaller bodies are sent as they are: compressing them costs more than the bytes saved. */
const COMPRESSION_THRESHOLD_BYTES = 1_024;

const edgeSecurityHeaders = (config: GatewayConfig) =>
  securityHeaders({
    // A JSON API serves no HTML except the docs page, which sets its own policy.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: config.CORS_ORIGINS.length > 0 ? 'cross-origin' : 'same-origin' },
  });

/**
 * Warm dashboard reads answered ahead of Fastify (see fast-read.ts), with
 * the edge's own headers and compression rule.
 */
export function edgeFastReads(app: NestFastifyApplication, config: GatewayConfig): PreDispatch {
  return fastReads(app.get(AuthService), app.get(RateLimiter), app.get(DashboardReader), {
    securityHeaders: edgeSecurityHeaders(config),
    cors: config.CORS_ORIGINS.length > 0,
    compressionThresholdBytes: COMPRESSION_THRESHOLD_BYTES,
  });
}

/**
 * The gateway's HTTP edge, set up before Nest registers its routes: per-route
 * body limits, request ids, compression, security headers, CORS, and the
 * content types the API takes.
 */
export async function configureEdge(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();

  // Only the JSON batch route takes big bodies; a 32 MiB tenant patch is an attack, not a request.
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/v1/transactions' && route.method === 'POST') route.bodyLimit = config.BATCH_BODY_LIMIT_BYTES;
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    const id = requestId(request.headers['x-request-id']);
    void reply.header('X-Request-Id', id);
    trace.getActiveSpan()?.setAttribute('http.request_id', id);
    done();
  });

  refundServerFailures(fastify, app.get(RateLimiter));

  // JSON is the only body the API takes besides CSV imports; anything else is a 415, not a 422.
  fastify.removeContentTypeParser('text/plain');
  acceptJsonOnly(app, fastify);
  // CSV imports are streamed by their route, never buffered (so the JSON body limit does not apply;
  // IMPORT_MAX_BYTES is enforced while streaming): hand the raw stream through.
  fastify.addContentTypeParser('text/csv', (request, payload, done) => {
    if (request.routeOptions.url === '/v1/imports') done(null, payload);
    else done(new AppError('unsupported-media-type', 'This route takes application/json.'), undefined);
  });

  await app.register(fastifyCompress, {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
    // Brotli's default quality (11) costs more CPU per response than the whole request; 4 compresses about as well as gzip, faster.
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });

  addSecurityHeaders(fastify, edgeSecurityHeaders(config));

  await registerDocs(app);

  if (config.CORS_ORIGINS.length > 0) {
    await app.register(fastifyCors, {
      origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Ledgerline-Min-Version', 'traceparent', 'tracestate'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
}
