import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { httpRequestDuration, metricsRegistry } from './metrics';
import { RawExchange, serverWithPreDispatch, type PreDispatchSlot } from './pre-dispatch';

describe('serverWithPreDispatch', () => {
  let app: FastifyInstance;
  let bypass = false;
  const slot: PreDispatchSlot = { bypass: () => bypass };
  const base = () => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    app = Fastify({ serverFactory: serverWithPreDispatch(slot), keepAliveTimeout: 12_345 });
    app.get('/raw', async () => 'from fastify');
    app.get('/other', async () => 'from fastify');
    await app.listen({ host: '127.0.0.1', port: 0 });
    slot.handler = (req, res, next) => {
      if (req.url === '/raw') {
        new RawExchange(req, res, '/raw', '/raw').send(
          200,
          ['content-type', 'text/plain; charset=utf-8', 'x-path', 'pre'],
          Buffer.from('from pre-dispatch é'),
        );
      } else if (req.url === '/later') {
        setTimeout(next, 5);
      } else {
        next();
      }
    };
  });

  afterAll(() => app.close());
  afterEach(() => {
    bypass = false;
  });

  it('answers what its handler takes, bytes and headers as given, with a content length', async () => {
    const res = await fetch(`${base()}/raw`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-path')).toBe('pre');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength('from pre-dispatch é')));
    expect(await res.text()).toBe('from pre-dispatch é');
  });

  it('records the answer in the request-duration histogram under its route', async () => {
    const count = async () =>
      (await httpRequestDuration.get()).values.find(
        (v) => v.metricName === 'http_server_request_duration_seconds_count' && v.labels.route === '/raw' && v.labels.status === '200',
      )?.value ?? 0;
    const before = await count();
    await (await fetch(`${base()}/raw`)).text();
    expect(await count()).toBe(before + 1);
    expect(await metricsRegistry.metrics()).toContain('route="/raw"');
  });

  it('hands what it does not take to Fastify, at once or later', async () => {
    expect(await (await fetch(`${base()}/other`)).text()).toBe('from fastify');
    const later = await fetch(`${base()}/later`);
    expect(later.status).toBe(404);
  });

  it('lets Fastify take everything while bypassed (closing, a fault set)', async () => {
    bypass = true;
    expect(await (await fetch(`${base()}/raw`)).text()).toBe('from fastify');
  });

  it('keeps the server options Fastify would have set on its own server', () => {
    expect(app.server.keepAliveTimeout).toBe(12_345);
  });
});

describe('RawExchange', () => {
  it('sends a 304 without a body or content length', async () => {
    const app = Fastify({
      serverFactory: serverWithPreDispatch({
        bypass: () => false,
        handler: (req, res) => new RawExchange(req, res, '/x', '/x').send(304, ['etag', 'W/"1"'], Buffer.from('ignored')),
      }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/x`);
      expect(res.status).toBe(304);
      expect(res.headers.get('etag')).toBe('W/"1"');
      expect(res.headers.get('content-length')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
