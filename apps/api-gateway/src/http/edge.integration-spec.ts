import {
  AppError,
  cachedRead,
  getFixedLine,
  getProvision,
  listFixedLines,
  updateTenantConfig,
  type FixedLine,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { problemSchema } from '../openapi/document';
import { ROUTES } from '../openapi/routes';
import {
  call,
  insertTenantKey,
  IT_ADMIN_KEY,
  startOwnInfra,
  startReplica,
  type OwnInfra,
  type Replica,
  type Reply,
} from '../../test/gateway.test-helper';

const PROBLEM = 'application/problem+json';
const ORIGIN = 'https://app.example';

/**
 * The gateway's HTTP edge against real PostgreSQL, NATS and Redis, with a
 * stand-in downstream service answering (or not) on real NATS subjects.
 */
describe('gateway HTTP edge', () => {
  let infra: OwnInfra;
  let gw: Replica;
  let plain: Replica;
  let downstream: NatsBus;
  let key: string;

  beforeAll(async () => {
    infra = await startOwnInfra();
    const env = { NATS_REQUEST_TIMEOUT_MS: '300', RATE_LIMIT_IMPORTS: '1/1h', CORS_ORIGINS: ORIGIN };
    gw = await startReplica(infra, env);
    plain = await startReplica(infra, { NATS_REQUEST_TIMEOUT_MS: '300' });
    key = (await insertTenantKey(gw)).apiKey;

    downstream = await NatsBus.connect({
      url: infra.nats.url,
      name: 'it-downstream',
      requestTimeoutMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    const line = (i: number): FixedLine =>
      ({
        id: randomUUID(),
        name: `Line ${i} with a long enough name`,
        category: 'Insurance',
        amount: '540.00',
        frequency: 'yearly',
      }) as unknown as FixedLine;
    const fixedLines = Array.from({ length: 40 }, (_, i) => line(i));
    // The gateway asks the cache-gateway's subject for this read; the stand-in answers both.
    downstream.serve(listFixedLines, async () => ({ fixedLines }));
    downstream.serve(cachedRead(listFixedLines), async () => ({ fixedLines }));
    downstream.serve(updateTenantConfig, async () => {
      throw new AppError('conflict', 'The tenant changed meanwhile.');
    });
    downstream.serve(getProvision, async () => {
      throw new Error('secret internals at /srv/app.js:12');
    });
    // Takes the request and never answers: the gateway must give up with a 504.
    downstream.connection.subscribe(getFixedLine.subject, { queue: 'it-downstream', callback: () => undefined });
    await downstream.connection.flush();
  });

  afterAll(async () => {
    await downstream?.close();
    await gw?.app.close();
    await plain?.app.close();
    await infra?.stop();
  });

  const expectProblem = (res: Reply, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect(res.body).toMatchObject({
      type: `https://ledgerline.dev/problems/${code}`,
      status,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(problemSchema.strict().parse(res.body)).toEqual(res.body);
    expect(res.text).not.toMatch(/\.js:\d+|\bat \w+ \(/);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  };

  it('answers every problem type with its status as problem+json', async () => {
    const u = gw.url;
    expectProblem(await call(u, 'POST', '/v1/tenants', { key: IT_ADMIN_KEY, body: '{"name": ' }), 400, 'malformed-request');
    expectProblem(await call(u, 'GET', '/v1/tenant'), 401, 'unauthorized');
    expectProblem(await call(u, 'POST', '/v1/tenants', { key, body: '{}' }), 403, 'forbidden');
    expectProblem(await call(u, 'GET', '/v1/tenant', { key: IT_ADMIN_KEY }), 403, 'forbidden');
    expectProblem(await call(u, 'GET', '/v1/nowhere', { key }), 404, 'not-found');
    expectProblem(await call(u, 'DELETE', `/v1/tenant/keys/${randomUUID()}`, { key }), 404, 'not-found');
    expectProblem(await call(u, 'PATCH', '/v1/tenant', { key, body: JSON.stringify({ name: 'New name' }) }), 409, 'conflict');
    expectProblem(
      await call(u, 'POST', '/v1/tenants', { key: IT_ADMIN_KEY, body: 'name\nx', contentType: 'text/plain' }),
      415,
      'unsupported-media-type',
    );
    expectProblem(await call(u, 'POST', '/v1/tenant/keys', { key, body: 'a,b', contentType: 'text/csv' }), 415, 'unsupported-media-type');

    const invalid = await call(u, 'PATCH', '/v1/tenant', {
      key,
      body: JSON.stringify({ name: '', members: [{ id: 'm1', name: 'A', monthlyRevenue: '1.001', taxRate: '101' }] }),
    });
    expectProblem(invalid, 422, 'validation-failed');
    expect((invalid.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(
      ['name', 'members[0].monthlyRevenue', 'members[0].taxRate'].sort(),
    );

    expectProblem(await call(u, 'GET', `/v1/provisions/${randomUUID()}`, { key }), 500, 'internal');
    const down = await call(u, 'GET', '/v1/tenant', { key });
    expectProblem(down, 503, 'service-unavailable');
    expect(down.headers.get('retry-after')).toBe('1');
    expectProblem(await call(u, 'GET', `/v1/fixed-lines/${randomUUID()}`, { key }), 504, 'upstream-timeout');

    // Imports: 1 an hour here. A CSV reaches ingestion's subject (nobody serves it: 503, not charged, so a
    // second gets as far); a JSON body is refused after admission (415, charged); then the class is limited.
    const csv = { key, body: 'date,amount,category\n2026-10-01,1.00,Food\n', contentType: 'text/csv' };
    expectProblem(await call(u, 'POST', '/v1/imports', csv), 503, 'service-unavailable');
    expectProblem(await call(u, 'POST', '/v1/imports', csv), 503, 'service-unavailable');
    expectProblem(await call(u, 'POST', '/v1/imports', { key, body: '{}' }), 415, 'unsupported-media-type');
    const limited = await call(u, 'POST', '/v1/imports', csv);
    expectProblem(limited, 429, 'rate-limited');
    expect(limited.headers.get('ratelimit-policy')).toBe('"imports";q=1;w=3600');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3_000);
  });

  it('limits bodies per route: 1 MiB of JSON in general, more for the transaction batch', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1_048_576) });
    expectProblem(await call(gw.url, 'PATCH', '/v1/tenant', { key, body: big }), 413, 'payload-too-large');
    const rows = Array.from({ length: 4_000 }, () => ({ date: '2026-13-01', amount: '1.00', category: 'Food', label: 'y'.repeat(480) }));
    const batch = await call(gw.url, 'POST', '/v1/transactions', { key, body: JSON.stringify({ transactions: rows }) });
    // Past the general limit yet accepted for parsing: every row's bad date is reported, none is a 413.
    expectProblem(batch, 422, 'validation-failed');
    expect(batch.body.errors).toHaveLength(4_000);
  });

  it('echoes a sane x-request-id and makes one otherwise', async () => {
    const echoed = await call(gw.url, 'GET', '/v1/tenant/keys/current', { key, headers: { 'x-request-id': 'client-abc.123' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-abc.123');
    const made = await call(gw.url, 'GET', '/v1/tenant/keys/current', { key, headers: { 'x-request-id': 'bad id\twith tab' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const health = await call(gw.url, 'GET', '/healthz');
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('compresses responses over 1 KiB with br or gzip when accepted, and only then', async () => {
    const expected = await call(gw.url, 'GET', '/v1/fixed-lines', { key, headers: { 'accept-encoding': 'identity' } });
    expect(expected.status).toBe(200);
    expect(expected.headers.get('content-encoding')).toBeNull();
    expect(expected.text.length).toBeGreaterThan(1_024);
    for (const encoding of ['br', 'gzip']) {
      // fetch decodes the body itself; the header says what travelled.
      const res = await call(gw.url, 'GET', '/v1/fixed-lines', { key, headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.body).toEqual(expected.body);
    }
    const small = await call(gw.url, 'GET', '/v1/tenant/keys/current', { key, headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('sends security headers on every response', async () => {
    for (const res of [await call(gw.url, 'GET', '/v1/tenant/keys/current', { key }), await call(gw.url, 'GET', '/v1/tenant')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('allows configured CORS origins only, exposing the rate-limit headers', async () => {
    const preflight = await fetch(`${gw.url}/v1/tenant`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

    const simple = await call(gw.url, 'GET', '/v1/tenant/keys/current', { key, headers: { origin: ORIGIN } });
    expect(simple.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(simple.headers.get('access-control-expose-headers')).toContain('RateLimit-Policy');

    const stranger = await call(gw.url, 'GET', '/v1/tenant/keys/current', { key, headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const off = await call(plain.url, 'GET', '/v1/tenant/keys/current', { key, headers: { origin: ORIGIN } });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the OpenAPI document built from the validating schemas, and Swagger UI at /docs', async () => {
    const doc = await call(gw.url, 'GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    type Op = { responses: Record<string, unknown>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } };
    const paths = doc.body.paths as Record<string, Record<string, Op>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/v1/tenants', '/v1/tenant/keys/{id}', '/v1/provisions/{id}', '/v1/imports']),
    );
    // The route table covers exactly what is served: nothing had to be added or dropped at boot.
    expect(Object.values(paths).flatMap((ops) => Object.keys(ops))).toHaveLength(ROUTES.length);
    expect(doc.text).not.toContain('x-undocumented');
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(operations)) {
        // Every route documents the problems every route can answer with.
        expect([method, path, Object.keys(op.responses)]).toEqual([method, path, expect.arrayContaining(['401', '403', '429', '500'])]);
      }
    }
    const batch = paths['/v1/transactions']?.post as Op;
    expect(Object.keys(batch.responses).sort()).toEqual(['201', '400', '401', '403', '413', '415', '422', '429', '500', '503', '504']);
    expect(batch.requestBody?.content['application/json']?.schema).toMatchObject({ properties: { transactions: { maxItems: 10_000 } } });
    expect(paths['/v1/imports']?.post?.requestBody?.content).toHaveProperty('text/csv');

    const ui = await fetch(`${gw.url}/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
    expect(ui.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
