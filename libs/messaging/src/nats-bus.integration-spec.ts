import { AppError, defineEvent, defineRequest } from '@ledgerline/contracts';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import pino from 'pino';
import { z } from 'zod';
import { NatsBus } from './nats-bus';

const echo = defineRequest<{ doubled: number }>()('test.echo.double.v1', z.object({ value: z.number().int() }));
const slow = defineRequest<{ ok: true }>()('test.echo.slow.v1', z.object({ delayMs: z.number() }));
const parting = defineRequest<{ ok: true }>()('test.echo.parting.v1', z.object({ delayMs: z.number() }));
const nobody = defineRequest<{ ok: true }>()('test.nobody.listens.v1', z.object({}));
const failing = defineRequest<never>()('test.echo.fail.v1', z.object({}));
const traced = defineRequest<{ traceparent: string | null }>()('test.echo.trace.v1', z.object({}));
const pinged = defineEvent('events.test.pinged.v1', z.object({ n: z.number() }));

const logger = pino({ level: 'silent' });
const connectBus = (name: string) => NatsBus.connect({ url: process.env.IT_NATS_URL as string, name, requestTimeoutMs: 300, logger });

describe('NatsBus against a real nats-server', () => {
  let server: NatsBus;
  let client: NatsBus;

  beforeAll(async () => {
    // What the SDK registers in a service: W3C propagation and async context.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    server = await connectBus('it-server');
    client = await connectBus('it-client');
    server.serve(echo, async ({ value }) => ({ doubled: value * 2 }));
    server.serve(slow, async ({ delayMs }) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return { ok: true as const };
    });
    server.serve(failing, async () => {
      throw new AppError('not-found', 'no such thing', [{ field: 'id', message: 'unknown' }]);
    });
    server.serve(traced, async () => {
      const carrier: Record<string, string> = {};
      propagation.inject(context.active(), carrier);
      return { traceparent: carrier.traceparent ?? null };
    });
    await server.connection.flush();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
    propagation.disable();
    context.disable();
  });

  it('round-trips a typed request', async () => {
    await expect(client.request(echo, { value: 21 })).resolves.toEqual({ doubled: 42 });
  });

  it('validates the payload where it is received and reports every field', async () => {
    const error = await client.request(echo, { value: 1.5 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation-failed', status: 422, errors: [{ field: 'value' }] });
  });

  it('re-raises the handler problem on the caller side', async () => {
    const error = await client.request(failing, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not-found', message: 'no such thing', errors: [{ field: 'id', message: 'unknown' }] });
  });

  it('maps "no responders" to 503 and a slow reply to 504', async () => {
    await expect(client.request(nobody, {})).rejects.toMatchObject({ code: 'service-unavailable', status: 503 });
    await expect(client.request(slow, { delayMs: 1_000 }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'upstream-timeout',
      status: 504,
    });
  });

  it('carries W3C trace context in the message headers', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = trace.setSpanContext(context.active(), { traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 });
    const reply = await context.with(parent, () => client.request(traced, {}));
    expect(reply.traceparent).toContain(traceId);
  });

  it('fans events out to every subscriber and drops invalid ones, even bytes that are not JSON', async () => {
    const seenA: number[] = [];
    const seenB: number[] = [];
    server.subscribe(pinged, (e) => void seenA.push(e.n));
    client.subscribe(pinged, (e) => void seenB.push(e.n));
    await server.connection.flush();
    await client.connection.flush();
    client.publish(pinged, { n: 1 });
    client.publish(pinged, { n: 'x' } as never);
    // Not JSON at all: once thrown inside the subscription callback, this closed the subscriber's connection.
    client.connection.publish(pinged.subject, 'this is not JSON');
    client.publish(pinged, { n: 2 });
    await client.connection.flush();
    for (let i = 0; i < 50 && (seenA.length < 2 || seenB.length < 2); i++) await new Promise((r) => setTimeout(r, 20));
    expect(seenA).toEqual([1, 2]);
    expect(seenB).toEqual([1, 2]);
    expect(server.isConnected && client.isConnected).toBe(true);
  });

  it('answers the requests it is working on before close() lets the connection go (graceful shutdown)', async () => {
    const leaving = await connectBus('it-leaving');
    leaving.serve(parting, async ({ delayMs }) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return { ok: true as const };
    });
    await leaving.connection.flush();
    const replies = Array.from({ length: 6 }, () => client.request(parting, { delayMs: 150 }, { timeoutMs: 2_000 }));
    await new Promise((r) => setTimeout(r, 50));
    await leaving.close();
    await expect(Promise.all(replies)).resolves.toEqual(Array.from({ length: 6 }, () => ({ ok: true })));
    expect(leaving.connection.isClosed()).toBe(true);
  });
});
