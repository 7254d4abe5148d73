import type { z } from 'zod';

/**
 * A request/reply contract binds one subject to its request and reply types.
 * `request` is validated where the message is received; `reply` is typed only,
 * because the replying service built it from already-validated data.
 */
export interface RequestContract<Req extends z.ZodType = z.ZodType, Res = unknown> {
  readonly kind: 'request';
  readonly subject: string;
  readonly request: Req;
  /** Phantom field carrying the reply type; never set at runtime. */
  readonly reply?: Res;
}

export function defineRequest<Res>() {
  return <Req extends z.ZodType>(subject: string, request: Req): RequestContract<Req, Res> => ({
    kind: 'request',
    subject,
    request,
  });
}

/** A fan-out event: delivered to every subscriber (no queue group) or to a JetStream stream. */
export interface EventContract<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly subject: string;
  readonly payload: P;
}

export function defineEvent<P extends z.ZodType>(subject: string, payload: P): EventContract<P> {
  return { kind: 'event', subject, payload };
}

export type RequestOf<C> = C extends RequestContract<infer Req, unknown> ? z.input<Req> : never;
export type ParsedRequestOf<C> = C extends RequestContract<infer Req, unknown> ? z.output<Req> : never;
export type ReplyOf<C> = C extends RequestContract<z.ZodType, infer Res> ? Res : never;
export type EventOf<C> = C extends EventContract<infer P> ? z.output<P> : never;

/** What travels back on a reply subject: data, or a problem the caller re-raises. */
export type Reply<T> =
  | { ok: true; data: T }
  | { ok: false; problem: { code: string; detail: string; errors?: { field: string; message: string; index?: number; line?: number }[] } };
