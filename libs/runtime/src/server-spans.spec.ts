import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceRequests } from './server-spans';

describe('traceRequests', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  let app: FastifyInstance;

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    app = Fastify();
    traceRequests(app);
    const child = async (name: string) => {
      // Work the handler does after awaiting, as a service does downstream.
      await new Promise((resolve) => setImmediate(resolve));
      trace.getTracer('test').startSpan(name).end();
    };
    app.get('/v1/things/:id', async () => {
      await child('lookup');
      return { ok: true };
    });
    app.post('/v1/things', async (request) => {
      await child('store');
      return request.body;
    });
    app.get('/v1/broken', async (_request, reply) => reply.code(503).send({ down: true }));
    app.get('/healthz', async () => 'ok');
    await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  beforeEach(() => exporter.reset());

  const spans = () => exporter.getFinishedSpans();
  const server = () => spans().find((s) => s.kind === SpanKind.SERVER);

  it('names a SERVER span by method and route, with the request and response attributes', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/things/42?verbose=1' });
    expect(res.statusCode).toBe(200);
    const span = server();
    expect(span?.name).toBe('GET /v1/things/:id');
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/v1/things/:id',
      'url.path': '/v1/things/42',
      'http.response.status_code': 200,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("continues the caller's trace from traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await app.inject({ method: 'GET', url: '/v1/things/1', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const span = server();
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('parents work done by the handler on the request span, also after reading a body off the socket', async () => {
    await app.inject({ method: 'GET', url: '/v1/things/7' });
    // Over a real socket, the body's second half sent later: it arrives on a stream event outside the request's context.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const body = JSON.stringify({ name: 'x'.repeat(10_000) });
      const req = request(
        {
          host: '127.0.0.1',
          port: (app.server.address() as AddressInfo).port,
          method: 'POST',
          path: '/v1/things',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => resolve(res.resume().statusCode),
      );
      req.on('error', reject);
      req.write(body.slice(0, 5_000));
      setTimeout(() => req.end(body.slice(5_000)), 50);
    });
    expect(status).toBe(200);
    const servers = spans().filter((s) => s.kind === SpanKind.SERVER);
    for (const [name, parent] of [
      ['lookup', servers[0]],
      ['store', servers[1]],
    ] as const) {
      const child = spans().find((s) => s.name === name);
      expect(child?.spanContext().traceId).toBe(parent?.spanContext().traceId);
      expect(child?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    }
  });

  it('marks a 5xx as an error, and only a 5xx', async () => {
    await app.inject({ method: 'GET', url: '/v1/broken' });
    expect(server()?.status.code).toBe(SpanStatusCode.ERROR);
    exporter.reset();
    await app.inject({ method: 'GET', url: '/v1/nowhere' });
    expect(server()?.name).toBe('GET');
    expect(server()?.attributes['http.response.status_code']).toBe(404);
    expect(server()?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('leaves infrastructure endpoints untraced', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(spans()).toHaveLength(0);
  });
});
