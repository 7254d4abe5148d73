import { api, createTenant, SPEC_TENANT, startReplica, type ApiResponse } from '@ledgerline/testing';

type Json = Record<string, unknown>;
type Summary = { expenses: { count: number; total: string } };
const MONTH = '2026-04';
/** For rows that must not change MONTH's figures. */
const OTHER_MONTH = '2026-05';
/** A read bucket small enough to empty in a test, refilled slowly enough not to refill during it. */
const READ_BURST = 6;

/**
 * The gateway answers warm dashboard reads in a Fastify hook ahead of Nest
 * (fast-read.ts). These tests run on a gateway replica of their own (with a
 * small read bucket) and check, through its counter of fast-path answers,
 * that each case really was decided there — and decided as the slow path decides it.
 */
describe('warm reads on the gateway fast path', () => {
  let gateway: { url: string; stop(): Promise<void> };
  let tenant: { id: string; apiKey: string };

  const call = <T = Json>(method: string, path: string, key: string, headers: Record<string, string> = {}, body?: unknown) =>
    api<T>(method, path, { key, headers, baseUrl: gateway.url, ...(body === undefined ? {} : { body }) });
  const summary = (key: string, headers: Record<string, string> = {}) =>
    call<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, key, headers);
  const mintKey = async () => (await call<{ id: string; apiKey: string }>('POST', '/v1/tenant/keys', tenant.apiKey)).body;
  const write = async (key: string, externalId: string, amount: string) => {
    const res = await call<{ version: string }>(
      'POST',
      '/v1/transactions',
      key,
      {},
      {
        transactions: [{ externalId, date: `${MONTH}-03`, amount, category: 'Groceries' }],
      },
    );
    expect(res.status).toBe(201);
    return res.body.version;
  };

  /** How many requests the fast path answered (`answered`) or handed to Nest (`passed`) so far. */
  async function fastPath(outcome: 'answered' | 'passed'): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`gateway_fast_path_requests_total{outcome="${outcome}"}`));
    return Number(line?.split(' ')[1] ?? 0);
  }

  /** Runs `read` and says whether the fast path answered it. */
  async function onFastPath<T>(read: () => Promise<T>): Promise<{ result: T; fast: boolean }> {
    const before = await fastPath('answered');
    const result = await read();
    return { result, fast: (await fastPath('answered')) === before + 1 };
  }

  beforeAll(async () => {
    gateway = await startReplica('api-gateway', { RATE_LIMIT_READS: `1/60s,${READ_BURST}` });
    tenant = await createTenant(SPEC_TENANT);
    await write(tenant.apiKey, 'fast-1', '12.34');
  });

  afterAll(async () => {
    await gateway.stop();
  });

  it('answers a warm hit with the same body, version, ETag and headers as the slow path, charging the bucket once', async () => {
    const { apiKey } = await mintKey();
    const slow = await onFastPath(() => summary(apiKey));
    const fast = await onFastPath(() => summary(apiKey));
    expect(slow.fast).toBe(false);
    expect(fast.fast).toBe(true);
    expect(fast.result.status).toBe(200);
    expect(fast.result.text).toBe(slow.result.text);
    // Every header, name and value, except those that differ per request by design.
    expect(stableHeaders(fast.result)).toEqual(stableHeaders(slow.result));
    expect(fast.result.headers.get('content-length')).toBe(slow.result.headers.get('content-length'));
    expect(fast.result.headers.get('x-request-id')).toBeTruthy();
    expect(fast.result.headers.get('ratelimit-policy')).toBe(slow.result.headers.get('ratelimit-policy'));
    expect(remaining(fast.result)).toBe(remaining(slow.result) - 1);
  });

  it('answers a drill-down by its percent-encoded category as the slow path does', async () => {
    const { apiKey } = await mintKey();
    const category = 'Café & Bar/Pub';
    const res = await call(
      'POST',
      '/v1/transactions',
      apiKey,
      {},
      {
        transactions: [{ externalId: 'fast-drill', date: `${OTHER_MONTH}-04`, amount: '7.10', category }],
      },
    );
    expect(res.status).toBe(201);
    const drillDown = () =>
      call<{ category: string; total: string }>(
        'GET',
        `/v1/dashboard/drill-down/${encodeURIComponent(category)}?month=${OTHER_MONTH}`,
        apiKey,
      );
    const slow = await onFastPath(drillDown);
    const fast = await onFastPath(drillDown);
    expect(slow.fast).toBe(false);
    expect(fast.fast).toBe(true);
    expect(fast.result.status).toBe(200);
    expect(fast.result.body).toMatchObject({ category, total: '7.10' });
    expect(fast.result.text).toBe(slow.result.text);
    expect(stableHeaders(fast.result)).toEqual(stableHeaders(slow.result));
  });

  it('answers an exhausted bucket with the same 429 problem as the slow path', async () => {
    const { apiKey } = await mintKey();
    await summary(apiKey); // resolves the key and warms the near-cache
    let last = await onFastPath(() => summary(apiKey));
    for (let i = 0; i < READ_BURST && last.result.status === 200; i++) last = await onFastPath(() => summary(apiKey));
    expect(last.fast).toBe(true);
    expect(last.result.status).toBe(429);
    // The same exhausted bucket through the slow path (no-cache is never answered by the fast path).
    const slow = await onFastPath(() => summary(apiKey, { 'cache-control': 'no-cache' }));
    expect(slow.fast).toBe(false);
    expect(slow.result.status).toBe(429);
    for (const res of [last.result, slow.result]) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(remaining(res)).toBe(0);
      expect(res.headers.get('content-security-policy')).toBeTruthy();
    }
    expect({ ...(last.result.body as Json), detail: undefined }).toEqual({ ...(slow.result.body as Json), detail: undefined });
    expect(stableHeaders(last.result)).toEqual(stableHeaders(slow.result));
    expect((last.result.body as Json).type).toBe('https://ledgerline.dev/problems/rate-limited');
  });

  it("answers another tenant's key with that tenant's own figures, never the warm entry of the first", async () => {
    const { apiKey } = await mintKey();
    const other = await createTenant(SPEC_TENANT);
    await summary(apiKey);
    const mine = await onFastPath(() => summary(apiKey));
    expect(mine.fast).toBe(true);
    await summary(other.apiKey);
    const theirs = await onFastPath(() => summary(other.apiKey));
    expect(theirs.fast).toBe(true);
    expect(mine.result.body.expenses.count).toBe(1);
    expect(theirs.result.body.expenses.count).toBe(0);
  });

  it('refuses a revoked key at once, although this replica resolved it a moment ago', async () => {
    const minted = await mintKey();
    await summary(minted.apiKey);
    expect((await onFastPath(() => summary(minted.apiKey))).fast).toBe(true);
    expect((await call('DELETE', `/v1/tenant/keys/${minted.id}`, tenant.apiKey)).status).toBe(204);
    const refused = await onFastPath(() => summary(minted.apiKey));
    expect(refused.fast).toBe(false);
    expect(refused.result.status).toBe(401);
    expect(refused.result.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('leaves Cache-Control: no-cache and malformed headers to the slow path', async () => {
    const { apiKey } = await mintKey();
    await summary(apiKey);
    const noCache = await onFastPath(() => summary(apiKey, { 'cache-control': 'no-cache' }));
    expect(noCache.fast).toBe(false);
    expect(noCache.result.status).toBe(200);
    const malformed = await onFastPath(() => summary(apiKey, { 'ledgerline-min-version': 'not-a-version' }));
    expect(malformed.fast).toBe(false);
    expect(malformed.result.status).toBe(400);
  });

  it('answers a current If-None-Match with 304 on the fast path, and the new figures once a write changed them', async () => {
    const key = tenant.apiKey;
    const first = await summary(key);
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^W\/".+"$/);
    // fetch, like a browser's fetch, adds Cache-Control: no-cache to a conditional request: a validation all the same.
    const notModified = await onFastPath(() => summary(key, { 'if-none-match': etag }));
    expect(notModified.fast).toBe(true);
    expect(notModified.result.status).toBe(304);
    expect(notModified.result.text).toBe('');
    expect(notModified.result.headers.get('etag')).toBe(etag);
    expect(notModified.result.headers.get('ledgerline-version')).toBe(first.headers.get('ledgerline-version'));

    const version = await write(key, 'fast-2', '5.00');
    const changed = await summary(key, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.headers.get('ledgerline-version')).toBe(version);
    expect(changed.body.expenses.count).toBe(first.body.expenses.count + 1);
  });

  it('answers a read whose Ledgerline-Min-Version the warm entry reflects', async () => {
    const { apiKey } = await mintKey();
    const version = await write(apiKey, 'fast-3', '1.00');
    // The write's cache fan-out may still be on its way and drop a first stored entry: read until one is warm.
    let warm = false;
    for (let i = 0; i < READ_BURST - 1 && !warm; i++) warm = (await onFastPath(() => summary(apiKey))).fast;
    expect(warm).toBe(true);
    const pinned = await onFastPath(() => summary(apiKey, { 'ledgerline-min-version': version }));
    expect(pinned.fast).toBe(true);
    expect(pinned.result.headers.get('ledgerline-version')).toBe(version);
  });
});

describe('GET /v1/dashboard?views=', () => {
  let key: string;

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    const transactions = Array.from({ length: 12 }, (_, i) => ({
      externalId: `views-${i}`,
      date: `${MONTH}-${String(i + 1).padStart(2, '0')}`,
      amount: `${i + 1}.25`,
      category: i % 2 ? 'Groceries' : 'Transport',
    }));
    expect((await api('POST', '/v1/transactions', { key, body: { transactions } })).status).toBe(201);
  });

  it('answers several views at one version, each exactly what its own route returns', async () => {
    const combined = await api<Json>('GET', `/v1/dashboard?month=${MONTH}&views=summary,breakdown,stats,trends`, { key });
    expect(combined.status).toBe(200);
    const version = combined.headers.get('ledgerline-version');
    expect(combined.body.version).toBe(version);
    expect(combined.body.month).toBe(MONTH);
    const own = async (path: string) => {
      const res = await api<Json>('GET', path, { key });
      expect(res.headers.get('ledgerline-version')).toBe(version);
      return res.body;
    };
    expect(combined.body.summary).toEqual(await own(`/v1/dashboard/summary?month=${MONTH}`));
    expect(combined.body.breakdown).toEqual(await own(`/v1/dashboard/breakdown?month=${MONTH}`));
    expect(combined.body.stats).toEqual(await own(`/v1/dashboard/stats?month=${MONTH}`));
    expect(combined.body.trends).toEqual(await own(`/v1/dashboard/trends?from=2025-05&to=${MONTH}`));
    expect(Object.keys(combined.body)).toEqual(['month', 'version', 'summary', 'breakdown', 'stats', 'trends']);
  });

  it('gives only the views asked for, in that order, with an ETag that answers 304', async () => {
    const res = await api<Json>('GET', `/v1/dashboard?month=${MONTH}&views=stats,summary`, { key });
    expect(Object.keys(res.body)).toEqual(['month', 'version', 'stats', 'summary']);
    const etag = res.headers.get('etag') as string;
    const again = await api('GET', `/v1/dashboard?month=${MONTH}&views=stats,summary`, { key, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it.each([['views=summary,summary'], ['views=summary,ledger'], ['views='], ['month=2026-13&views=summary']])(
    'refuses %s with a 422 naming the field',
    async (query) => {
      const res = await api<{ errors: { field: string }[] }>(
        'GET',
        `/v1/dashboard?${query.startsWith('month') ? '' : `month=${MONTH}&`}${query}`,
        {
          key,
        },
      );
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e) => e.field)).toEqual([query.startsWith('month') ? 'month' : 'views']);
    },
  );
});

const remaining = (res: ApiResponse<unknown>): number => Number(res.headers.get('x-ratelimit-remaining'));

/** Headers whose values differ between two answers by design: the date, the request id, the bucket's state. */
const PER_REQUEST = new Set([
  'date',
  'x-request-id',
  'ratelimit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'retry-after',
  'content-length',
]);
const stableHeaders = (res: ApiResponse<unknown>): Record<string, string> =>
  Object.fromEntries([...res.headers].filter(([name]) => !PER_REQUEST.has(name)));

describe('conditional budget and provision reads', () => {
  it('carry an ETag that answers 304 until a budget or provision change gives new figures', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    const put = (limit: string) => api('PUT', '/v1/budgets', { key, body: { budgets: [{ category: 'Groceries', limit }] } });
    expect((await put('100.00')).status).toBe(200);
    for (const path of ['/v1/budgets', `/v1/provisions/calculate?month=${MONTH}`]) {
      const first = await api('GET', path, { key });
      const etag = first.headers.get('etag') as string;
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^W\/".+"$/);
      expect((await api('GET', path, { key, headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    const before = await api('GET', '/v1/budgets', { key });
    expect((await put('250.00')).status).toBe(200);
    const after = await api<{ budgets: { limit: string }[] }>('GET', '/v1/budgets', {
      key,
      headers: { 'if-none-match': before.headers.get('etag') as string },
    });
    expect(after.status).toBe(200);
    expect(after.body.budgets[0]?.limit).toBe('250.00');
  });
});
