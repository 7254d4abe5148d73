import {
  AppError,
  fieldErrors,
  isProblemCode,
  type EventContract,
  type EventOf,
  type ParsedRequestOf,
  type Reply,
  type ReplyOf,
  type RequestContract,
  type RequestOf,
} from '@ledgerline/contracts';
import { dependencyFailure, faults, onReadinessChange } from '@ledgerline/runtime';
import { connect, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { gunzipSync } from 'node:zlib';
import type pino from 'pino';
import { ZodError } from 'zod';
import { extractTraceContext, injectTraceHeaders } from './trace-headers';

export interface NatsBusOptions {
  url: string;
  /** Service name: connection name and queue group of its request handlers. */
  name: string;
  requestTimeoutMs: number;
  logger: pino.Logger;
}

const tracer = trace.getTracer('@ledgerline/messaging');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const decode = (msg: Msg): unknown => (msg.data.length === 0 ? undefined : JSON.parse(decoder.decode(msg.data)));

/**
 * A successful reply already serialized — and possibly gzipped — by the
 * replier (the cache serves stored bytes without touching JSON). It travels
 * without the `{ok, data}` envelope, marked by a header.
 */
export interface RawReply {
  body: Uint8Array;
  encoding: 'identity' | 'gzip';
  /** The tenant version the figures reflect (dashboard reads), travelling beside the bytes. */
  version?: string | undefined;
}

const RAW_REPLY_HEADER = 'Ledgerline-Reply';
const ENCODING_HEADER = 'Content-Encoding';
const VERSION_HEADER = 'Ledgerline-Version';

function rawReplyOf(msg: Msg): RawReply | undefined {
  if (msg.headers?.get(RAW_REPLY_HEADER) !== 'raw') return undefined;
  const version = msg.headers.get(VERSION_HEADER);
  return {
    body: msg.data,
    encoding: msg.headers.get(ENCODING_HEADER) === 'gzip' ? 'gzip' : 'identity',
    ...(version ? { version } : {}),
  };
}

/** A reply's data serialized as a raw reply, for handlers that answer with `serveRaw`. */
export const rawJsonReply = (data: unknown, version?: string): RawReply => ({ body: encode(data), encoding: 'identity', version });

/** The JSON text of a raw reply's data. */
export function rawReplyJson(reply: RawReply): string {
  return decoder.decode(reply.encoding === 'gzip' ? gunzipSync(reply.body) : reply.body);
}

interface EventListener {
  schema: EventContract['payload'];
  handler: (event: unknown, headers: MsgHdrs | undefined) => void | Promise<void>;
}

/**
 * Typed NATS request/reply and fan-out events. Every request has a bounded
 * timeout and maps "nobody answers" to 503 and "too slow" to 504; every
 * received payload is validated against its contract; trace context travels
 * in the message headers.
 */
export class NatsBus {
  private connected = false;
  private readonly subscriptions: Subscription[] = [];
  /** Event handlers by subject, behind one subscription each (see `subscribe`). */
  private readonly eventListeners = new Map<string, EventListener[]>();
  /** Request handlers' subscriptions and the answers they are still working on (graceful shutdown waits for them). */
  private readonly answering = new Set<Promise<void>>();
  private readonly reconnectListeners: (() => void)[] = [];
  /** Request handlers (queue-group members); `sub` is unset while this replica is not serving. */
  private readonly handlers: { subject: string; callback: (error: Error | null, msg: Msg) => void; sub: Subscription | undefined }[] = [];
  private serving = true;
  private stopFollowingReadiness: (() => void) | undefined;

  private constructor(
    readonly connection: NatsConnection,
    private readonly options: NatsBusOptions,
  ) {}

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const nc = await connect({
      servers: options.url,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      pingInterval: 10_000,
      // Otherwise every request and publish captures a stack trace up front, in case it times out:
      // 3 % of the gateway's CPU on a write, for a stack our errors never show (they become problem+json).
      noAsyncTraces: true,
    });
    const bus = new NatsBus(nc, options);
    bus.connected = true;
    void bus.watchStatus();
    // NATS's own check is left out: while disconnected nothing is delivered anyway.
    bus.stopFollowingReadiness = onReadinessChange((checks) =>
      bus.setServing(Object.entries(checks).every(([name, ok]) => ok || name === 'nats')),
    );
    return bus;
  }

  /** Called after each reconnect: fan-out events sent meanwhile were missed (local caches must not trust themselves). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  get isConnected(): boolean {
    return this.connected && !this.connection.isClosed();
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') this.connected = false;
      if (status.type === 'reconnect') {
        this.connected = true;
        for (const listener of this.reconnectListeners) listener();
      }
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        this.options.logger.warn({ nats: status.type }, `NATS ${status.type}`);
      }
    }
  }

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, options: { timeoutMs?: number } = {}): Promise<ReplyOf<C>> {
    const reply = await this.exchange(contract, payload, options.timeoutMs);
    return ('raw' in reply ? JSON.parse(rawReplyJson(reply.raw)) : reply.data) as ReplyOf<C>;
  }

  /**
   * Like `request`, but hands back the reply's data as bytes, exactly as the
   * replier serialized (and maybe compressed) it, so a proxy can forward it
   * without parsing. Problems are thrown as with `request`.
   */
  async requestRaw<C extends RequestContract>(contract: C, payload: RequestOf<C>, options: { timeoutMs?: number } = {}): Promise<RawReply> {
    const reply = await this.exchange(contract, payload, options.timeoutMs);
    return 'raw' in reply ? reply.raw : { body: encode(reply.data), encoding: 'identity' };
  }

  /** Sends a request; a problem reply is thrown, data comes back parsed or, for a raw reply, as bytes. */
  private async exchange(
    contract: RequestContract,
    payload: unknown,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<{ raw: RawReply } | { data: unknown }> {
    return tracer.startActiveSpan(
      `${contract.subject} request`,
      { kind: SpanKind.CLIENT, attributes: messagingAttributes(contract.subject) },
      async (span) => {
        try {
          if (!this.isConnected) throw new AppError('service-unavailable', 'The message bus is unavailable.');
          const data = encode(payload);
          const headers = injectTraceHeaders();
          this.assertCarriable(data, headers);
          const msg = await this.connection.request(contract.subject, data, { timeout: timeoutMs, headers }).catch((error: unknown) => {
            throw toTransportError(error, contract.subject);
          });
          const raw = rawReplyOf(msg);
          if (raw) return { raw };
          const reply = decode(msg) as Reply<unknown>;
          if (!reply.ok) throw problemError(reply.problem);
          return { data: reply.data };
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * A message beyond the server's max_payload can never be sent, however
   * often it is retried: that is the client's 413, not a transient 503.
   * Checked here rather than carried in chunks because a batch is one atomic
   * write on the other side; splitting it would need a reassembly protocol.
   */
  private assertCarriable(data: Uint8Array, headers: ReturnType<typeof injectTraceHeaders>): void {
    const max = this.connection.info?.max_payload;
    // The client's header implementation encodes itself; the public MsgHdrs type does not say so.
    const size = data.length + (headers as typeof headers & { encode(): Uint8Array }).encode().length;
    if (max !== undefined && size > max) {
      const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);
      throw new AppError(
        'payload-too-large',
        `The request is ${mb(size)} MB once encoded; at most ${mb(max)} MB can be carried. Send it in smaller parts.`,
      );
    }
  }

  /** Answers requests on a contract's subject; replicas share the work through a queue group. */
  serve<C extends RequestContract>(contract: C, handler: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>>): void {
    this.listen(contract, async (request) => {
      const data = await handler(request);
      return { body: encode({ ok: true, data } satisfies Reply<unknown>) };
    });
  }

  /** Like `serve`, for a handler that returns the reply data already serialized (see `RawReply`). */
  serveRaw<C extends RequestContract>(contract: C, handler: (request: ParsedRequestOf<C>) => Promise<RawReply>): void {
    this.listen(contract, async (request) => {
      const reply = await handler(request);
      const headers = natsHeaders();
      headers.set(RAW_REPLY_HEADER, 'raw');
      if (reply.encoding === 'gzip') headers.set(ENCODING_HEADER, 'gzip');
      if (reply.version) headers.set(VERSION_HEADER, reply.version);
      return { body: reply.body, headers };
    });
  }

  private listen<C extends RequestContract>(
    contract: C,
    handler: (request: ParsedRequestOf<C>) => Promise<{ body: Uint8Array; headers?: ReturnType<typeof natsHeaders> }>,
  ): void {
    const entry = {
      subject: contract.subject,
      callback: (error: Error | null, msg: Msg) => {
        if (error) {
          this.options.logger.error({ err: error, subject: contract.subject }, 'subscription error');
          return;
        }
        const answer = this.answer(contract, handler, msg).catch(() => undefined);
        this.answering.add(answer);
        void answer.finally(() => this.answering.delete(answer));
      },
      sub: undefined as Subscription | undefined,
    };
    this.handlers.push(entry);
    if (this.serving) entry.sub = this.joinQueueGroup(entry);
  }

  private joinQueueGroup(entry: { subject: string; callback: (error: Error | null, msg: Msg) => void }): Subscription {
    return this.connection.subscribe(entry.subject, { queue: this.options.name, callback: entry.callback });
  }

  /**
   * An unready replica (its /readyz failing: PostgreSQL or Redis down) leaves its
   * queue groups, so requests go to ready replicas or fail fast with "no responders"
   * instead of waiting on one that cannot answer; it rejoins when ready. Requests
   * already delivered are still answered (drain). Fan-out subscriptions stay.
   */
  setServing(serving: boolean): void {
    if (serving === this.serving || this.connection.isClosed()) return;
    this.serving = serving;
    this.options.logger.warn({ serving }, serving ? 'ready: rejoining NATS queue groups' : 'not ready: leaving NATS queue groups');
    for (const entry of this.handlers) {
      if (serving) {
        entry.sub ??= this.joinQueueGroup(entry);
      } else if (entry.sub) {
        const sub = entry.sub;
        entry.sub = undefined;
        // Disconnected: a reconnect resubscribes only live subscriptions.
        if (this.connected) void sub.drain().catch(() => sub.unsubscribe());
        else sub.unsubscribe();
      }
    }
  }

  private async answer<C extends RequestContract>(
    contract: C,
    handler: (request: ParsedRequestOf<C>) => Promise<{ body: Uint8Array; headers?: ReturnType<typeof natsHeaders> }>,
    msg: Msg,
  ): Promise<void> {
    const parent = extractTraceContext(msg.headers);
    await context.with(parent, () =>
      tracer.startActiveSpan(
        contract.subject,
        { kind: SpanKind.SERVER, attributes: messagingAttributes(contract.subject) },
        async (span) => {
          try {
            const request = contract.request.parse(decode(msg)) as ParsedRequestOf<C>;
            await faults.apply(contract.subject);
            const reply = await handler(request);
            msg.respond(reply.body, reply.headers ? { headers: reply.headers } : undefined);
          } catch (error) {
            msg.respond(encode({ ok: false, problem: this.toProblem(error, contract.subject) } satisfies Reply<unknown>));
            if (!(error instanceof AppError) || error.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      ),
    );
  }

  private toProblem(error: unknown, subject: string): Extract<Reply<unknown>, { ok: false }>['problem'] {
    if (error instanceof AppError) {
      return { code: error.code, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) };
    }
    if (error instanceof ZodError) {
      return { code: 'validation-failed', detail: `Invalid message on ${subject}.`, errors: fieldErrors(error) };
    }
    const dependency = dependencyFailure(error);
    if (dependency) {
      this.options.logger.warn({ err: error, subject }, 'dependency failure');
      return { code: dependency.code, detail: dependency.message };
    }
    this.options.logger.error({ err: error, subject }, 'request handler failed');
    return { code: 'internal', detail: 'The request could not be completed.' };
  }

  /** Core NATS fan-out: every subscriber of every replica gets it (cache invalidation). */
  publish<C extends EventContract>(contract: C, payload: EventOf<C>): void {
    if (!this.isConnected) return;
    this.connection.publish(contract.subject, encode(payload), { headers: injectTraceHeaders() });
  }

  /**
   * Every handler of a subject in this process shares one NATS subscription:
   * an event is delivered, read and parsed once however many parts of the
   * service listen to it (the gateway's near-cache, watermarks and live
   * streams all follow the rollups). Handlers run in the order they
   * subscribed, before the connection reads its next message, so what an
   * event drops is gone before a reply sent after it is seen. `headers`
   * carries the publisher's trace context.
   */
  subscribe<C extends EventContract>(
    contract: C,
    handler: (event: EventOf<C>, headers: MsgHdrs | undefined) => void | Promise<void>,
  ): void {
    const listener = { schema: contract.payload, handler: handler as EventListener['handler'] };
    const listeners = this.eventListeners.get(contract.subject);
    if (listeners) {
      listeners.push(listener);
      return;
    }
    this.eventListeners.set(contract.subject, [listener]);
    const sub = this.connection.subscribe(contract.subject, {
      callback: (error, msg) => {
        if (!error) this.dispatch(contract.subject, msg);
      },
    });
    this.subscriptions.push(sub);
  }

  private dispatch(subject: string, msg: Msg): void {
    // Nothing may escape this callback: a throw here closes the connection's reader, and with it every
    // subscription and request of the process (a stray non-JSON message on the subject once did).
    let data: unknown;
    try {
      data = decode(msg);
    } catch {
      this.options.logger.warn({ subject }, 'dropped invalid event');
      return;
    }
    // Listeners of a subject nearly always share its contract, and with it one parse.
    let parsedBy: EventListener['schema'] | undefined;
    let result: ReturnType<EventListener['schema']['safeParse']> | undefined;
    for (const { schema, handler } of this.eventListeners.get(subject) ?? []) {
      if (schema !== parsedBy || !result) {
        parsedBy = schema;
        result = schema.safeParse(data);
      }
      if (!result.success) {
        this.options.logger.warn({ subject }, 'dropped invalid event');
        continue;
      }
      try {
        const done = handler(result.data, msg.headers);
        if (done instanceof Promise) done.catch((err: unknown) => this.handlerFailed(err, subject));
      } catch (err) {
        this.handlerFailed(err, subject);
      }
    }
  }

  private handlerFailed(err: unknown, subject: string): void {
    this.options.logger.error({ err, subject }, 'event handler failed');
  }

  /**
   * Stops taking requests (other replicas in the queue group get them from
   * now on) and waits for the answers already in progress, while the
   * connection and the database are still there to finish them. Draining the
   * connection alone would close it under handlers still running, and their
   * callers would time out.
   */
  async quiesce(): Promise<void> {
    if (this.connection.isClosed()) return;
    this.stopFollowingReadiness?.();
    this.serving = false;
    const subs = this.handlers.flatMap((entry) => (entry.sub ? [entry.sub] : []));
    for (const entry of this.handlers) entry.sub = undefined;
    await Promise.all(subs.map((sub) => sub.drain().catch(() => undefined)));
    await Promise.all([...this.answering]);
  }

  async close(): Promise<void> {
    this.stopFollowingReadiness?.();
    if (this.connection.isClosed()) return;
    await this.quiesce();
    await this.connection.drain().catch(() => this.connection.close());
  }
}

function problemError(problem: Extract<Reply<unknown>, { ok: false }>['problem']): AppError {
  const code = isProblemCode(problem.code) ? problem.code : 'internal';
  return new AppError(code, problem.detail, problem.errors);
}

function messagingAttributes(subject: string) {
  return { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'rpc.method': subject };
}

function toTransportError(error: unknown, subject: string): AppError {
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return new AppError('upstream-timeout', `No reply from ${subject} in time.`);
  }
  if (error instanceof RequestError && error.isNoResponders()) {
    return new AppError('service-unavailable', `No service answers ${subject}.`);
  }
  return new AppError('service-unavailable', `Request on ${subject} failed.`);
}

/** `/readyz` check: connected to NATS. */
export const natsReadiness = (bus: NatsBus) => ({ name: 'nats', check: async () => bus.isConnected });
