import { metricsRegistry, RawExchange, type PreDispatch } from '@ledgerline/runtime';
import { parse as parseQuery } from 'fast-querystring';
import type { IncomingMessage } from 'node:http';
import { Counter } from 'prom-client';
import { bearerToken } from '../auth/api-key';
import type { AuthService } from '../auth/auth.service';
import { requestId } from '../http/request-id';
import type { Admission, RateLimiter } from '../rate-limit/rate-limiter.service';
import { rateLimited } from '../rate-limit/rate-limiter.service';
import { cachedAnswer, type CachedAnswer } from './cached-reply';
import type { DashboardReader } from './dashboard-reader';
import { DASHBOARD_READS, type DashboardRequest } from './dashboard-reads';

const outcomes = new Counter({
  name: 'gateway_fast_path_requests_total',
  help: 'Warm dashboard reads answered by the fast path (answered) or handed to the Nest route (passed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
const answered = outcomes.labels('answered');
const passed = outcomes.labels('passed');

export interface FastReadOptions {
  /** The edge's security headers, sent on every answer as on every routed response. */
  securityHeaders: Readonly<Record<string, string>>;
  /** With CORS on, requests with an Origin go to the routed path, where the CORS plugin answers them. */
  cors: boolean;
  /** Bodies from this size up are compressed by the routed path for clients that accept it. */
  compressionThresholdBytes: number;
}

type Build = (tenantId: string, query: unknown, params: unknown) => DashboardRequest | undefined;
interface Target {
  route: string;
  path: string;
  build: Build;
  params?: { category: string };
}

const DRILL_DOWN_ROUTE = '/v1/dashboard/drill-down/:category';
const DRILL_DOWN_PREFIX = DRILL_DOWN_ROUTE.slice(0, -':category'.length);

/**
 * The fast path for warm dashboard reads: a raw handler ahead of Fastify
 * (runtime's pre-dispatch) that answers a near-cache hit without Fastify's
 * request and reply objects, router, hook chain or Nest's guard, pipe,
 * interceptor and filter chain, which, profiled, cost more CPU per warm hit
 * than everything else the gateway does for it.
 *
 * It answers only what it can answer exactly as the routed path would: a GET
 * of a cached dashboard route by its plain path, a tenant key this replica
 * resolved lately (same tenant isolation: the tenant id comes from the key),
 * a valid query, a near-cache entry that satisfies any
 * `Ledgerline-Min-Version`, no `Cache-Control: no-cache` (unless it is a
 * validation of that very entry), a body the edge would not compress. Then it
 * takes the request from the caller's bucket exactly like the guard (one
 * atomic step in Redis, same headers, same 429 problem) and writes the entry
 * with the same headers, span and latency metric. Anything else — unknown or
 * revoked key, admin key, invalid query, miss, an Origin under CORS — goes to
 * Fastify untouched and uncharged.
 */
export function fastReads(auth: AuthService, limiter: RateLimiter, reader: DashboardReader, options: FastReadOptions): PreDispatch {
  const security = Object.entries(options.securityHeaders).flat();
  return (req, res, next) => {
    const target = req.method === 'GET' ? targetOf(req.url ?? '') : undefined;
    if (target === undefined) return next();
    const answer = warmAnswer(req, target, auth, reader, options);
    if (answer === undefined) {
      passed.inc();
      return next();
    }
    answered.inc();
    const exchange = new RawExchange(req, res, target.route, target.path);
    const id = requestId(req.headers['x-request-id']);
    limiter.admit('reads', `key:${answer.keyId}`, answer.tenantId).then(
      (admission) => {
        const headers = security.concat('x-request-id', id);
        pushLowercase(headers, admission.headers);
        if (admission.decision.allowed) {
          exchange.send(answer.reply.status, headers.concat(flatHeadersOf(answer.reply)), answer.reply.body);
        } else {
          sendRejection(exchange, headers, admission);
        }
      },
      // Not expected (admit decides with a local bucket itself when Redis fails): the routed path will decide and report.
      () => {
        exchange.abandon();
        next();
      },
    );
  };
}

/** The cached answer for a request the fast path can take, with whom to charge; undefined hands it over. */
function warmAnswer(
  req: IncomingMessage,
  target: Target,
  auth: AuthService,
  reader: DashboardReader,
  options: FastReadOptions,
): { reply: CachedAnswer; keyId: string; tenantId: string } | undefined {
  const { headers } = req;
  if (options.cors && headers.origin !== undefined) return undefined;
  const principal = auth.recentTenant(bearerToken(headers.authorization));
  if (!principal) return undefined;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const read = target.build(principal.tenantId, q === -1 ? {} : parseQuery(url.slice(q + 1)), target.params);
  const hit = read && reader.warmReply(headers, read);
  if (!hit) return undefined;
  const reply = cachedAnswer(hit, headers);
  // An identity body the edge's compression would encode for this client is the routed path's to send.
  const compressible =
    reply.body !== undefined &&
    reply.headers['content-encoding'] === undefined &&
    reply.body.byteLength >= options.compressionThresholdBytes &&
    headers['accept-encoding'] !== undefined &&
    headers['x-no-compression'] === undefined;
  return compressible ? undefined : { reply, keyId: principal.keyId, tenantId: principal.tenantId };
}

/** The same 429 problem the guard's rejection becomes on the routed path. */
function sendRejection(exchange: RawExchange, headers: string[], admission: Admission): void {
  const problem = rateLimited('reads', admission.decision).toProblem();
  headers.push('content-type', 'application/problem+json; charset=utf-8');
  exchange.send(problem.status, headers, JSON.stringify(problem));
}

/** The route a plain request path names (Fastify routes anything unusual — encoded, `;`, trailing `/` — itself). */
function targetOf(url: string): Target | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const build = DASHBOARD_READS[path];
  if (build !== undefined && path !== DRILL_DOWN_ROUTE) return { route: path, path, build };
  if (!path.startsWith(DRILL_DOWN_PREFIX)) return undefined;
  const segment = path.slice(DRILL_DOWN_PREFIX.length);
  if (segment === '' || segment.includes('/') || segment.includes(';')) return undefined;
  try {
    const category = decodeURIComponent(segment);
    return { route: DRILL_DOWN_ROUTE, path, build: DASHBOARD_READS[DRILL_DOWN_ROUTE] as Build, params: { category } };
  } catch {
    return undefined;
  }
}

const flatHeaders = new WeakMap<CachedAnswer, string[]>();
const flatHeadersOf = (answer: CachedAnswer): string[] => {
  let flat = flatHeaders.get(answer);
  if (flat === undefined) flatHeaders.set(answer, (flat = Object.entries(answer.headers).flat()));
  return flat;
};

const lowercase = new Map<string, string>();
function pushLowercase(flat: string[], headers: Readonly<Record<string, string>>): void {
  for (const name in headers) {
    let lower = lowercase.get(name);
    if (lower === undefined) lowercase.set(name, (lower = name.toLowerCase()));
    flat.push(lower, headers[name] as string);
  }
}
