import { isSyntheticBaggage } from '@ledgerline/telemetry';
import type { Span } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { httpRequestDuration } from './metrics';
import { endServerSpan, startServerSpan } from './server-spans';

/**
 * A raw request handler ahead of Fastify, for a service's hottest routes.
 * It answers only what it can answer exactly as the routed path would (use a
 * RawExchange for that) and calls `next`, at once or later but always before
 * writing anything, to hand every other request to Fastify untouched.
 */
export type PreDispatch = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface PreDispatchSlot {
  /** Set once the app is built (its handler needs the app's providers); until then Fastify takes everything. */
  handler?: PreDispatch;
  /** While true (the server is closing, a drill set a fault) Fastify takes everything. */
  bypass(): boolean;
}

/**
 * Fastify's `serverFactory`: the same HTTP server Fastify would create, with
 * the slot's pre-dispatch handler in front of Fastify's own. Profiled on the
 * gateway's warm reads, Fastify's request and reply objects, router, hook
 * chain and per-header bookkeeping cost more CPU than the answer itself.
 */
export function serverWithPreDispatch(slot: PreDispatchSlot) {
  return (fastifyHandler: RequestListener, options: FastifyHttpOptions): Server => {
    const server = createServer(options.http ?? {}, (req, res) => {
      const handler = slot.handler;
      if (handler === undefined || slot.bypass()) return fastifyHandler(req, res);
      handler(req, res, () => fastifyHandler(req, res));
    });
    // What Fastify sets on the server it creates itself (fastify/lib/server.js).
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
    server.requestTimeout = options.requestTimeout ?? 0;
    server.setTimeout(options.connectionTimeout ?? 0);
    if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}

/** The server options Fastify passes its `serverFactory` (its own, defaults applied). */
interface FastifyHttpOptions {
  http?: ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/** Latency histogram children by label set: a pre-dispatch route answers with a handful of them. */
const durationByLabels = new Map<string, ReturnType<typeof httpRequestDuration.labels>>();

/**
 * One request answered by a pre-dispatch handler, with what Fastify's hooks
 * give a routed request: its SERVER span (named by `route`) and its
 * observation in `http_server_request_duration_seconds`.
 */
export class RawExchange {
  private readonly span: Span;
  private readonly startedMs = performance.now();

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: string,
    path: string,
  ) {
    this.span = startServerSpan('GET', path, route, req.headers).span;
  }

  /**
   * Writes the whole response: `headers` as a flat [name, value, ...] list
   * with lowercase names; a string body is UTF-8.
   */
  send(status: number, headers: string[], body?: Buffer | string): void {
    if (body === undefined || status === 304) {
      this.res.writeHead(status, headers);
      this.res.end();
    } else if (typeof body === 'string') {
      headers.push('content-length', String(Buffer.byteLength(body)));
      this.res.writeHead(status, headers);
      this.res.end(body);
    } else {
      headers.push('content-length', String(body.byteLength));
      this.res.writeHead(status, headers);
      // A Buffer, not a latin1 string: Node would write a string with the head in one syscall, but concatenating
      // them per response grew the gateway's peak RSS by 45-150 MiB in bench:gateway for 4 % less CPU.
      this.res.end(body);
    }
    this.observe(status);
    endServerSpan(this.span, status);
  }

  /** The handler handed the request to Fastify after all: this exchange records nothing more. */
  abandon(): void {
    endServerSpan(this.span, undefined);
  }

  private observe(status: number): void {
    const synthetic = isSyntheticBaggage(this.req.headers.baggage);
    const key = `${this.route} ${status} ${synthetic}`;
    let child = durationByLabels.get(key);
    if (child === undefined) {
      child = httpRequestDuration.labels({ method: 'GET', route: this.route, status: String(status), synthetic: String(synthetic) });
      durationByLabels.set(key, child);
    }
    child.observe((performance.now() - this.startedMs) / 1000);
  }
}
