import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Problem = { status: number; type: string; errors: { index?: number; field: string; message: string }[] };

const row = (extra: Record<string, unknown> = {}) => ({ date: '2026-10-05', amount: '12.50', category: 'Groceries', ...extra });

describe('transactions through the gateway', () => {
  let key: string;

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
  });

  it('accepts a valid batch and counts resent externalIds as duplicates', async () => {
    const batch = { transactions: [row({ externalId: 'a-1' }), row({ externalId: 'a-2', amount: -4.99, member: 'm1' }), row()] };
    const first = await api('POST', '/v1/transactions', { key, body: batch });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accepted: 3, duplicates: 0, applied: true, version: '1' });
    expect(first.headers.get('ledgerline-version')).toBe('1');

    const resend = await api('POST', '/v1/transactions', {
      key,
      body: { transactions: [row({ externalId: 'a-1' }), row({ externalId: 'a-3' })] },
    });
    expect(resend.body).toEqual({ accepted: 1, duplicates: 1, applied: true, version: '2' });
  });

  it('stores a concurrent resend once', async () => {
    const batch = { transactions: [row({ externalId: 'race-1' }), row({ externalId: 'race-2' })] };
    const results = await Promise.all(
      [1, 2, 3].map(() => api<{ accepted: number; duplicates: number }>('POST', '/v1/transactions', { key, body: batch })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.body.duplicates, 0)).toBe(4);
  });

  it('rejects the whole batch listing every bad row, and stores nothing', async () => {
    const res = await api<Problem>('POST', '/v1/transactions', {
      key,
      body: {
        transactions: [
          row({ externalId: 'never-1' }),
          row({ date: '2026-02-30' }),
          row({ amount: '12.345' }),
          row({ amount: '0' }),
          row({ amount: '1000000000.01', category: '' }),
          row({ month: '2026-13', expenseType: 'OTHER' }),
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'date'],
      [2, 'amount'],
      [3, 'amount'],
      [4, 'amount'],
      [4, 'category'],
      [5, 'month'],
      [5, 'expenseType'],
    ]);
    // Nothing of the batch was written: its valid row is still new.
    const again = await api('POST', '/v1/transactions', { key, body: { transactions: [row({ externalId: 'never-1' })] } });
    // The refused batch took no version: the tenant's fourth change (the concurrent resend above was the third).
    expect(again.body).toEqual({ accepted: 1, duplicates: 0, applied: true, version: '4' });
  });

  it('rejects unknown members with their row index', async () => {
    const res = await api<Problem>('POST', '/v1/transactions', {
      key,
      body: { transactions: [row({ member: 'm1' }), row({ member: 'm9' })] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ index: 1, field: 'member', message: 'unknown member "m9"' }]);
  });

  it('answers 413 above 10,000 rows, 415 for non-JSON, 400 for malformed JSON', async () => {
    const big = await api<Problem>('POST', '/v1/transactions', {
      key,
      body: { transactions: Array.from({ length: 10_001 }, () => row()) },
    });
    expect(big.status).toBe(413);
    expect(big.body.type).toBe('https://ledgerline.dev/problems/payload-too-large');
    expect((await api('POST', '/v1/transactions', { key, rawBody: 'date,amount', contentType: 'text/plain' })).status).toBe(415);
    expect((await api('POST', '/v1/transactions', { key, rawBody: '{"transactions": [' })).status).toBe(400);
  });

  it('answers 413, not a retryable 503, for a valid batch under the body limit that the message bus cannot carry', async () => {
    // About 19 MB of JSON: under the 32 MB body limit, over the 16 MB NATS max_payload of the test stack.
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row({ externalId: `wide-${i}`, label: '€'.repeat(500), category: 'c'.repeat(100), subcategory: 's'.repeat(100) }),
    );
    const res = await api<Problem & { detail: string }>('POST', '/v1/transactions', { key, body: { transactions: rows } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.body.type).toBe('https://ledgerline.dev/problems/payload-too-large');
    expect(res.body.detail).toMatch(/smaller parts/);
  });

  it('accepts a full 10,000-row batch', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row({ externalId: `bulk-${i}`, amount: `${(i % 500) + 1}.${String(i % 100).padStart(2, '0')}` }),
    );
    const res = await api('POST', '/v1/transactions', { key, body: { transactions: rows } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ accepted: 10_000, duplicates: 0, applied: true, version: '5' });
  });

  it('answers 404 for unknown or malformed transaction ids, 422 for empty patches', async () => {
    const other = await createTenant(SPEC_TENANT);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await api('PATCH', `/v1/transactions/${missing}`, { key, body: { category: 'Food' } })).status).toBe(404);
    expect((await api('DELETE', `/v1/transactions/${missing}`, { key: other.apiKey })).status).toBe(404);
    expect((await api<Problem>('PATCH', `/v1/transactions/${missing}`, { key, body: {} })).status).toBe(422);
    expect((await api<Problem>('PATCH', '/v1/transactions/not-a-uuid', { key, body: { category: 'x' } })).status).toBe(404);
  });
});
