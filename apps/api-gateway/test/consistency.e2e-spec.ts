import { api, createTenant, killService, restartService, SPEC_TENANT, startReplica } from '@ledgerline/testing';

type Summary = { expenses: { total: string; count: number } };
const MONTH = '2026-06';
const row = (n: number) => ({ date: `${MONTH}-0${1 + (n % 9)}`, amount: `${n}.00`, category: 'Groceries' });

/** The consistency token (SPEC "Consistency token"): versions on writes and reads, honoured by every replica. */
describe('versions and Ledgerline-Min-Version', () => {
  let key: string;
  let replica: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    replica = await startReplica('api-gateway');
  });

  afterAll(async () => {
    await replica.stop();
  });

  const write = async (n: number, baseUrl?: string) => {
    const res = await api<{ version: string }>('POST', '/v1/transactions', {
      key,
      body: { transactions: [row(n)] },
      ...(baseUrl ? { baseUrl } : {}),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('ledgerline-version')).toBe(res.body.version);
    return res.body.version;
  };

  it('numbers each write of a tenant in order, and every dashboard read says which version it reflects', async () => {
    const first = await write(1);
    const second = await write(2);
    expect(BigInt(second)).toBe(BigInt(first) + 1n);
    const summary = await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(summary.status).toBe(200);
    expect(BigInt(summary.headers.get('ledgerline-version') as string)).toBeGreaterThanOrEqual(BigInt(second));
    expect(summary.body.expenses.count).toBe(2);
  });

  it('a token from one gateway replica is honoured by another whose near-cache held older figures', async () => {
    const headers = (min: string): Record<string, string> => ({ 'Ledgerline-Min-Version': min });
    // The replica caches the current figures…
    const before = await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key, baseUrl: replica.url });
    // …then a write lands through the other replica, and its token goes to the replica at once.
    const version = await write(40);
    const after = await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, {
      key,
      baseUrl: replica.url,
      headers: headers(version),
    });
    expect(after.status).toBe(200);
    expect(BigInt(after.headers.get('ledgerline-version') as string)).toBeGreaterThanOrEqual(BigInt(version));
    expect(after.body.expenses.count).toBe(before.body.expenses.count + 1);
    expect(after.body.expenses.total).toBe('43.00');
    // Breakdown, stats and trends honour it the same way.
    for (const path of [
      `/v1/dashboard/breakdown?month=${MONTH}`,
      `/v1/dashboard/stats?month=${MONTH}`,
      `/v1/dashboard/trends?from=${MONTH}&to=${MONTH}`,
    ]) {
      const res = await api('GET', path, { key, baseUrl: replica.url, headers: headers(version) });
      expect(res.status).toBe(200);
      expect(BigInt(res.headers.get('ledgerline-version') as string)).toBeGreaterThanOrEqual(BigInt(version));
    }
  });

  it('a write acknowledged before aggregation applied it: its token makes the reader wait for exactly that change', async () => {
    // Aggregation takes 3 s per change: longer than a write waits (2 s) to say whether it was applied.
    await killService('aggregation');
    await restartService('aggregation', { FAULTS: JSON.stringify([{ target: 'events.transactions.changed.v1', delayMs: 3_000 }]) });
    try {
      const before = await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
      const res = await api<{ applied: boolean; version: string }>('POST', '/v1/transactions', { key, body: { transactions: [row(7)] } });
      expect(res.status).toBe(201);
      expect(res.body.applied).toBe(false);
      const after = await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, {
        key,
        headers: { 'Ledgerline-Min-Version': res.body.version },
      });
      expect(after.status).toBe(200);
      expect(BigInt(after.headers.get('ledgerline-version') as string)).toBeGreaterThanOrEqual(BigInt(res.body.version));
      expect(after.body.expenses.count).toBe(before.body.expenses.count + 1);
    } finally {
      await killService('aggregation');
      await restartService('aggregation');
    }
  }, 120_000);

  it('never answers older figures for a version that is not there: 503 with Retry-After, within the bound', async () => {
    const current = await write(3);
    const ahead = (BigInt(current) + 1000n).toString();
    const started = Date.now();
    const res = await api<{ type: string; status: number }>('GET', `/v1/dashboard/summary?month=${MONTH}`, {
      key,
      headers: { 'Ledgerline-Min-Version': ahead },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a malformed token with a 400 naming the header', async () => {
    const res = await api<{ errors: { field: string }[] }>('GET', `/v1/dashboard/summary?month=${MONTH}`, {
      key,
      headers: { 'Ledgerline-Min-Version': 'yesterday' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'Ledgerline-Min-Version' })]);
  });
});
