import { api, createTenant, SPEC_TENANT, type ApiResponse } from '@ledgerline/testing';

const NOT_FOUND = 'https://ledgerline.dev/problems/not-found';
const MONTH = '2026-03';

/**
 * Tenant isolation: tenant B's key is tried on every tenant route with tenant
 * A's ids. The tenant id comes from the key only, so B gets 404s for A's
 * resources and sees nothing but its own (empty) data; A's data is untouched.
 */
describe('tenant isolation through the gateway', () => {
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  const ids = { transaction: '', import: '', task: '', export: '', provision: '', fixedLine: '', key: '' };

  const expect404 = (res: ApiResponse) => {
    expect(res.status).toBe(404);
    expect((res.body as { type: string }).type).toBe(NOT_FOUND);
  };

  async function settled(path: string, key: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const res = await api<Record<string, unknown>>('GET', path, { key });
      if (!['queued', 'running'].includes(res.body.status as string)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${path} did not finish`);
  }

  beforeAll(async () => {
    a = await createTenant({ ...SPEC_TENANT, name: 'Tenant A' });
    b = await createTenant({ ...SPEC_TENANT, name: 'Tenant B' });
    const rows = [
      { externalId: 'a-1', date: `${MONTH}-02`, amount: '120.00', category: 'Groceries', member: 'm1' },
      { externalId: 'a-2', date: `${MONTH}-05`, amount: '900.00', category: 'Rent', expenseType: 'FIXED' },
    ];
    expect((await api('POST', '/v1/transactions', { key: a.apiKey, body: { transactions: rows } })).status).toBe(201);
    const listed = await api<{ items: { id: string }[] }>('GET', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=transactions`, {
      key: a.apiKey,
    });
    ids.transaction = (listed.body.items[0] as { id: string }).id;

    const upload = await api<{ id: string }>('POST', '/v1/imports', {
      key: a.apiKey,
      rawBody: `date,amount,category\n${MONTH}-07,5.00,Snacks\n`,
      contentType: 'text/csv',
    });
    ids.import = upload.body.id;
    await settled(`/v1/imports/${ids.import}`, a.apiKey);

    ids.task = (await api<{ taskId: string }>('POST', `/v1/dashboard/refresh-async?month=${MONTH}`, { key: a.apiKey })).body.taskId;
    ids.export = (
      await api<{ taskId: string }>('POST', '/v1/exports', { key: a.apiKey, body: { from: MONTH, to: MONTH, format: 'json' } })
    ).body.taskId;
    await settled(`/v1/tasks/${ids.task}`, a.apiKey);
    await settled(`/v1/tasks/${ids.export}`, a.apiKey);

    ids.provision = (
      await api<{ id: string }>('POST', '/v1/provisions', {
        key: a.apiKey,
        body: { name: 'Holidays', kind: 'fixed', amount: '100.00', split: { mode: 'household' }, active: true },
      })
    ).body.id;
    ids.fixedLine = (
      await api<{ id: string }>('POST', '/v1/fixed-lines', {
        key: a.apiKey,
        body: {
          name: 'Car insurance',
          category: 'Insurance',
          amount: '540.00',
          frequency: 'yearly',
          split: { mode: 'equal' },
          active: true,
        },
      })
    ).body.id;
    ids.key = (await api<{ id: string }>('POST', '/v1/tenant/keys', { key: a.apiKey })).body.id;
    for (const [name, id] of Object.entries(ids)) expect([name, id]).toEqual([name, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
  });

  it("answers 404 for every route addressing one of A's resources with B's key", async () => {
    const key = b.apiKey;
    expect404(await api('PATCH', `/v1/transactions/${ids.transaction}`, { key, body: { category: 'Stolen' } }));
    expect404(await api('DELETE', `/v1/transactions/${ids.transaction}`, { key }));
    expect404(await api('GET', `/v1/imports/${ids.import}`, { key }));
    expect404(await api('GET', `/v1/tasks/${ids.task}`, { key }));
    expect404(await api('POST', `/v1/tasks/${ids.task}/cancel`, { key }));
    expect404(await api('GET', `/v1/exports/${ids.export}/download`, { key }));
    expect404(await api('GET', `/v1/provisions/${ids.provision}`, { key }));
    expect404(await api('PATCH', `/v1/provisions/${ids.provision}`, { key, body: { name: 'Mine now' } }));
    expect404(await api('DELETE', `/v1/provisions/${ids.provision}`, { key }));
    expect404(await api('GET', `/v1/fixed-lines/${ids.fixedLine}`, { key }));
    expect404(await api('PATCH', `/v1/fixed-lines/${ids.fixedLine}`, { key, body: { amount: '1.00' } }));
    expect404(await api('DELETE', `/v1/fixed-lines/${ids.fixedLine}`, { key }));
    expect404(await api('DELETE', `/v1/tenant/keys/${ids.key}`, { key }));
  });

  it('shows B only its own data on every collection and figure route', async () => {
    const key = b.apiKey;
    const tenant = await api<{ id: string; name: string }>('GET', '/v1/tenant', { key });
    expect(tenant.body).toMatchObject({ id: b.id, name: 'Tenant B' });
    const patched = await api<{ id: string; name: string }>('PATCH', '/v1/tenant', { key, body: { name: 'Tenant B renamed' } });
    expect(patched.body).toMatchObject({ id: b.id, name: 'Tenant B renamed' });

    const keys = await api<{ keys: { id: string }[] }>('GET', '/v1/tenant/keys', { key });
    expect(keys.body.keys).toHaveLength(1);
    expect(keys.body.keys.map((k) => k.id)).not.toContain(ids.key);
    expect((await api<{ tenantId: string }>('GET', '/v1/tenant/keys/current', { key })).body.tenantId).toBe(b.id);

    const summary = await api<{ expenses: { total: string; count: number } }>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(summary.body.expenses).toMatchObject({ total: '0.00', count: 0 });
    const breakdown = await api<{ categories: unknown[] }>('GET', `/v1/dashboard/breakdown?month=${MONTH}`, { key });
    expect(breakdown.body.categories).toEqual([]);
    const drill = await api<{ items: unknown[] }>('GET', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=transactions`, { key });
    expect(drill.body.items).toEqual([]);
    const subs = await api<{ subcategories: unknown[] }>('GET', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=subcategories`, {
      key,
    });
    expect(subs.body.subcategories).toEqual([]);
    const trends = await api<{ months: { total: string }[] }>('GET', `/v1/dashboard/trends?from=${MONTH}&to=${MONTH}`, { key });
    expect(trends.body.months.map((m) => m.total)).toEqual(['0.00']);
    const stats = await api<{ total: string; largestExpense: unknown }>('GET', `/v1/dashboard/stats?month=${MONTH}`, { key });
    expect(stats.body).toMatchObject({ total: '0.00', largestExpense: null });
    const refreshed = await api('POST', `/v1/dashboard/refresh?month=${MONTH}`, { key });
    expect(refreshed.status).toBe(200);

    expect((await api<{ tasks: unknown[] }>('GET', '/v1/tasks', { key })).body.tasks).toEqual([]);
    expect((await api<{ provisions: unknown[] }>('GET', '/v1/provisions', { key })).body.provisions).toEqual([]);
    expect((await api<{ fixedLines: unknown[] }>('GET', '/v1/fixed-lines', { key })).body.fixedLines).toEqual([]);
    const calc = await api<{ provisions: unknown[] }>('GET', `/v1/provisions/calculate?month=${MONTH}`, { key });
    expect(calc.body.provisions).toEqual([]);
  });

  it("leaves A's data exactly as it was", async () => {
    const key = a.apiKey;
    const summary = await api<{ expenses: { total: string; count: number } }>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(summary.body.expenses).toMatchObject({ total: '1025.00', count: 3 });
    expect((await api('GET', `/v1/provisions/${ids.provision}`, { key })).status).toBe(200);
    expect((await api<{ name: string }>('GET', `/v1/fixed-lines/${ids.fixedLine}`, { key })).body).toMatchObject({ amount: '540.00' });
    expect((await api<{ status: string }>('GET', `/v1/imports/${ids.import}`, { key })).body.status).toBe('succeeded');
    expect((await api('GET', `/v1/exports/${ids.export}/download`, { key })).status).toBe(200);
    const keys = await api<{ keys: { id: string; revokedAt: string | null }[] }>('GET', '/v1/tenant/keys', { key });
    expect(keys.body.keys.find((k) => k.id === ids.key)?.revokedAt).toBeNull();
    expect((await api<{ name: string }>('GET', '/v1/tenant', { key })).body.name).toBe('Tenant A');
  });
});
