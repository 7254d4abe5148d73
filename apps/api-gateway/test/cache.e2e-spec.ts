import { api, createTenant, e2e, killService, restartService, SPEC_TENANT } from '@ledgerline/testing';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';

type Json = Record<string, unknown>;
type Summary = { expenses: { count: number } };
const MONTH = '2026-05';
const cents = (amount: string) => BigInt(amount.replace('.', ''));

/** A GET with exactly the headers given (fetch would add and undo gzip by itself). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Json; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${e2e.gatewayUrl()}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Json, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads through the cache-gateway: fresh for the writer right after each kind of change. */
describe('cached dashboard reads through the gateway', () => {
  let key: string;
  const get = <T = Json>(path: string, headers: Record<string, string> = {}) => api<T>('GET', path, { key, headers });

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    const transactions = Array.from({ length: 60 }, (_, i) => ({
      externalId: `cache-${i}`,
      date: `${MONTH}-${String((i % 28) + 1).padStart(2, '0')}`,
      amount: `${10 + i}.${String(i % 100).padStart(2, '0')}`,
      category: `Category ${String(i % 30).padStart(2, '0')} with a long enough name`,
    }));
    const res = await api('POST', '/v1/transactions', { key, body: { transactions } });
    expect(res.status).toBe(201);
  });

  it('sends large cached replies gzipped to clients that accept it, and the same JSON to those that do not', async () => {
    const path = `/v1/dashboard/breakdown?month=${MONTH}`;
    const plain = await rawGet(path, { authorization: `Bearer ${key}`, 'accept-encoding': 'identity' });
    const zipped = await rawGet(path, { authorization: `Bearer ${key}`, 'accept-encoding': 'gzip, br' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toMatch(/^application\/json/);
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    const body = JSON.parse(plain.body.toString('utf8')) as { categories: unknown[]; total: string };
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(body);
    expect(body.categories).toHaveLength(30);
  });

  it("shows the writer's own new transaction and patch on the next read", async () => {
    const path = `/v1/dashboard/summary?month=${MONTH}`;
    const before = (await get<{ expenses: { total: string; count: number } }>(path)).body.expenses;
    await get(path); // warm

    const posted = await api<{ applied: boolean }>('POST', '/v1/transactions', {
      key,
      body: { transactions: [{ externalId: 'cache-new', date: `${MONTH}-02`, amount: '100.00', category: 'Fresh' }] },
    });
    expect(posted.body.applied).toBe(true);
    const after = (await get<{ expenses: { total: string; count: number } }>(path)).body.expenses;
    expect(after.count).toBe(before.count + 1);
    expect(cents(after.total)).toBe(cents(before.total) + 10_000n);

    const rows = await get<{ items: { id: string; amount: string }[] }>(`/v1/dashboard/drill-down/Fresh?month=${MONTH}&level=transactions`);
    const id = rows.body.items[0]?.id as string;
    expect((await api('PATCH', `/v1/transactions/${id}`, { key, body: { exclude: true } })).status).toBe(200);
    expect((await get<{ expenses: { count: number } }>(path)).body.expenses.count).toBe(before.count);
    expect((await get<{ items: unknown[] }>(`/v1/dashboard/drill-down/Fresh?month=${MONTH}&level=transactions`)).body.items).toEqual([]);
  });

  it('reflects budget and config changes (tenant-wide) on the next read', async () => {
    const path = `/v1/dashboard/summary?month=${MONTH}`;
    expect((await get<{ fixedPlanned: string }>(path)).body.fixedPlanned).toBe('0.00');
    await api('POST', '/v1/fixed-lines', {
      key,
      body: { name: 'Internet', category: 'Utilities', amount: '30.00', frequency: 'monthly', split: { mode: 'equal' } },
    });
    expect((await get<{ fixedPlanned: string }>(path)).body.fixedPlanned).toBe('30.00');
    expect((await get<{ fixedLines: unknown[] }>('/v1/fixed-lines')).body.fixedLines).toHaveLength(1);

    const members = SPEC_TENANT.members.map((m) => (m.id === 'm1' ? { ...m, monthlyRevenue: '5200.00' } : m));
    expect((await api('PATCH', '/v1/tenant', { key, body: { members } })).status).toBe(200);
    expect((await get<{ revenue: { gross: string } }>(path)).body.revenue.gross).toBe('8000.00');
  });

  it('answers Cache-Control: no-cache from the source with the same figures', async () => {
    const path = `/v1/dashboard/stats?month=${MONTH}`;
    const cached = await get(path);
    const fresh = await get(path, { 'cache-control': 'no-cache' });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual(cached.body);
  });

  it("serves warm reads from the gateway's near-cache without the cache-gateway, others from the source", async () => {
    const path = `/v1/dashboard/trends?from=2026-01&to=${MONTH}`;
    const warm = await get(path);
    expect(warm.status).toBe(200);
    await killService('cache-gateway');
    try {
      expect(await get(path)).toMatchObject({ status: 200, body: warm.body });
      const wider = await get<{ months: { month: string }[] }>(`/v1/dashboard/trends?from=2025-12&to=${MONTH}`);
      expect(wider.status).toBe(200);
      expect(wider.body.months.slice(1)).toEqual((warm.body as { months: unknown[] }).months);

      // A write meanwhile: no cache could confirm its invalidation, so it is not called applied, yet no reader sees the
      // near-cache's older figures (aggregation's own event dropped them), and its token is honoured from the source.
      const summaryPath = `/v1/dashboard/summary?month=${MONTH}`;
      const before = await get<Summary>(summaryPath);
      const write = await api<{ applied: boolean; version: string }>('POST', '/v1/transactions', {
        key,
        body: { transactions: [{ date: `${MONTH}-02`, amount: '5.00', category: 'Offline cache' }] },
      });
      expect(write.status).toBe(201);
      expect(write.body.applied).toBe(false);
      const withToken = await get<Summary>(summaryPath, { 'Ledgerline-Min-Version': write.body.version });
      expect(withToken.status).toBe(200);
      expect(withToken.body.expenses.count).toBe(before.body.expenses.count + 1);
      expect((await get<Summary>(summaryPath)).body.expenses.count).toBe(before.body.expenses.count + 1);
    } finally {
      await restartService('cache-gateway');
    }
    // Once a cache-gateway is back, the retried invalidation is confirmed and the next write is applied as usual.
    const again = await api<{ applied: boolean }>('POST', '/v1/transactions', {
      key,
      body: { transactions: [{ date: `${MONTH}-03`, amount: '1.00', category: 'Offline cache' }] },
    });
    expect(again.body.applied).toBe(true);
  });
});
