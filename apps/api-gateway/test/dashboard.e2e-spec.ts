import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Json = Record<string, unknown>;
type Item = { id: string; amount: string; date: string };

const tx = (date: string, amount: string, category: string, extra: Json = {}) => ({ date, amount, category, ...extra });

/**
 * Hand-computed figures for one household month (SPEC appendix tenant):
 * October non-excluded rows 120.00 − 4.99 + 33.33 + 800.00 + 60.00 + 10.01 = 1018.35.
 */
describe('dashboards through the gateway', () => {
  let key: string;
  const get = <T = Json>(path: string) => api<T>('GET', path, { key });

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    await api('POST', '/v1/provisions', {
      key,
      body: { name: 'Holidays', kind: 'percent', percent: '5', base: 'household', target: '3000.00', saved: '450.00' },
    });
    await api('POST', '/v1/fixed-lines', {
      key,
      body: { name: 'Car insurance', category: 'Insurance', amount: '540.00', frequency: 'yearly', split: { mode: 'equal' } },
    });
    const res = await api('POST', '/v1/transactions', {
      key,
      body: {
        transactions: [
          tx('2026-10-03', '120.00', 'Groceries', { subcategory: 'Supermarket', member: 'm1' }),
          tx('2026-10-04', '-4.99', 'Groceries', { subcategory: 'Supermarket', member: 'm2' }),
          tx('2026-10-10', '33.33', 'Groceries', { subcategory: 'Market', member: 'm1' }),
          tx('2026-10-01', '800.00', 'Rent', { expenseType: 'FIXED', member: 'm1', label: 'October rent' }),
          tx('2026-10-15', '60.00', 'Transport', { subcategory: 'Fuel' }),
          tx('2026-10-20', '500.00', 'Transfer', { exclude: true, member: 'm2' }),
          tx('2026-09-12', '100.00', 'Groceries'),
          tx('2026-09-30', '10.01', 'Transport', { month: '2026-10', subcategory: 'Fuel', member: 'm2' }),
        ],
      },
    });
    expect(res.body).toEqual({ accepted: 8, duplicates: 0, applied: true, version: '1' });
  });

  it('summary: expenses, plan, members contribution/paid/toTransfer and top categories to the cent', async () => {
    const res = await get('/v1/dashboard/summary?month=2026-10');
    expect(res.status).toBe(200);
    // variable 218.35 split 327600:228200 → 128.70 / 89.65 (largest remainder);
    // m1: 22.50 car + 163.80 holidays + 128.70 = 315.00, paid 953.33; m2: 22.50 + 114.10 + 89.65 = 226.25, paid 5.02.
    expect(res.body).toEqual({
      month: '2026-10',
      currency: 'EUR',
      expenses: { total: '1018.35', fixed: '800.00', variable: '218.35', count: 6, excludedCount: 1 },
      fixedPlanned: '45.00',
      provisions: { total: '277.90', count: 1 },
      revenue: { gross: '7000.00', net: '5558.00' },
      members: [
        { id: 'm1', name: 'Alex', net: '3276.00', share: '0.5894', contribution: '315.00', paid: '953.33', toTransfer: '-638.33' },
        { id: 'm2', name: 'Sam', net: '2282.00', share: '0.4106', contribution: '226.25', paid: '5.02', toTransfer: '221.23' },
      ],
      topCategories: [
        { category: 'Rent', total: '800.00', share: '0.7856' },
        { category: 'Groceries', total: '148.34', share: '0.1457' },
        { category: 'Transport', total: '70.01', share: '0.0687' },
      ],
      budgets: [],
    });
  });

  it('breakdown: count, total, avg (half away from zero), min, max, share, by type', async () => {
    const all = await get('/v1/dashboard/breakdown?month=2026-10');
    expect(all.body).toEqual({
      month: '2026-10',
      expenseType: null,
      total: '1018.35',
      categories: [
        { category: 'Rent', count: 1, total: '800.00', avg: '800.00', min: '800.00', max: '800.00', share: '0.7856' },
        { category: 'Groceries', count: 3, total: '148.34', avg: '49.45', min: '-4.99', max: '120.00', share: '0.1457' },
        { category: 'Transport', count: 2, total: '70.01', avg: '35.01', min: '10.01', max: '60.00', share: '0.0687' },
      ],
    });
    const variable = await get<{ total: string; categories: Json[] }>('/v1/dashboard/breakdown?month=2026-10&expenseType=VARIABLE');
    expect(variable.body.total).toBe('218.35');
    expect(variable.body.categories.map((c) => [c.category, c.share])).toEqual([
      ['Groceries', '0.6794'],
      ['Transport', '0.3206'],
    ]);
  });

  it('drill-down: subcategories, then every row exactly once across keyset pages, newest first', async () => {
    const subs = await get('/v1/dashboard/drill-down/Groceries?month=2026-10&level=subcategories');
    expect(subs.body).toEqual({
      month: '2026-10',
      category: 'Groceries',
      level: 'subcategories',
      total: '148.34',
      subcategories: [
        { subcategory: 'Supermarket', count: 2, total: '115.01', avg: '57.51', min: '-4.99', max: '120.00', share: '0.7753' },
        { subcategory: 'Market', count: 1, total: '33.33', avg: '33.33', min: '33.33', max: '33.33', share: '0.2247' },
      ],
    });

    const first = await get<{ items: Item[]; nextCursor: string | null }>(
      '/v1/dashboard/drill-down/Groceries?month=2026-10&level=transactions&limit=2',
    );
    expect(first.body.items.map((i) => [i.date, i.amount])).toEqual([
      ['2026-10-10', '33.33'],
      ['2026-10-04', '-4.99'],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get<{ items: Item[]; nextCursor: string | null }>(
      `/v1/dashboard/drill-down/Groceries?month=2026-10&level=transactions&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((i) => [i.date, i.amount])).toEqual([['2026-10-03', '120.00']]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items[0]).toEqual({
      id: expect.any(String),
      externalId: null,
      date: '2026-10-03',
      month: '2026-10',
      label: null,
      amount: '120.00',
      category: 'Groceries',
      subcategory: 'Supermarket',
      expenseType: 'VARIABLE',
      member: 'm1',
    });
    const bad = await get<{ errors: Json[] }>('/v1/dashboard/drill-down/Groceries?month=2026-10&level=transactions&cursor=garbage');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ field: 'cursor', message: 'is not a cursor from a previous page' }]);
  });

  it('trends: one row per month with zeros, per category too', async () => {
    const res = await get('/v1/dashboard/trends?from=2026-08&to=2026-11');
    expect(res.body).toEqual({
      from: '2026-08',
      to: '2026-11',
      category: null,
      months: [
        { month: '2026-08', total: '0.00', fixed: '0.00', variable: '0.00', count: 0 },
        { month: '2026-09', total: '100.00', fixed: '0.00', variable: '100.00', count: 1 },
        { month: '2026-10', total: '1018.35', fixed: '800.00', variable: '218.35', count: 6 },
        { month: '2026-11', total: '0.00', fixed: '0.00', variable: '0.00', count: 0 },
      ],
    });
    const groceries = await get<{ months: Json[] }>('/v1/dashboard/trends?from=2026-09&to=2026-10&category=Groceries');
    expect(groceries.body.months.map((m) => [m.month, m.total, m.count])).toEqual([
      ['2026-09', '100.00', 1],
      ['2026-10', '148.34', 3],
    ]);
    expect((await get('/v1/dashboard/trends?from=2026-10&to=2026-09')).status).toBe(422);
    expect((await get('/v1/dashboard/trends?from=2000-01&to=2010-01')).status).toBe(422);
  });

  it('stats: change vs previous month, daily average, largest expense; change null after an empty month', async () => {
    const res = await get('/v1/dashboard/stats?month=2026-10');
    expect(res.body).toEqual({
      month: '2026-10',
      total: '1018.35',
      previousTotal: '100.00',
      change: '918.35',
      dailyAverage: '32.85',
      count: 6,
      largestExpense: { id: expect.any(String), date: '2026-10-01', label: 'October rent', amount: '800.00', category: 'Rent' },
    });
    expect((await get('/v1/dashboard/stats?month=2026-09')).body).toMatchObject({
      previousTotal: '0.00',
      change: null,
      dailyAverage: '3.33',
    });
    expect((await get('/v1/dashboard/stats?month=2030-01')).body).toMatchObject({ total: '0.00', largestExpense: null });
  });

  it('reflects a patch and a delete on the writer’s next read, min/max included', async () => {
    const page = await get<{ items: Item[] }>('/v1/dashboard/drill-down/Groceries?month=2026-10&level=transactions');
    const [market, , supermarket] = page.body.items;
    const patched = await api<Json>('PATCH', `/v1/transactions/${supermarket?.id}`, { key, body: { category: 'Dining' } });
    expect(patched.body).toMatchObject({ category: 'Dining', applied: true });
    const deleted = await api('DELETE', `/v1/transactions/${market?.id}`, { key });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get('ledgerline-applied')).toBe('true');
    // Each write is one more change of the tenant, and says which in a header too.
    expect(BigInt(deleted.headers.get('ledgerline-version') as string)).toBe(BigInt(patched.body.version as string) + 1n);

    const after = await get<{ categories: Json[] }>('/v1/dashboard/breakdown?month=2026-10');
    expect(after.body.categories.find((c) => c.category === 'Groceries')).toMatchObject({
      count: 1,
      total: '-4.99',
      min: '-4.99',
      max: '-4.99',
    });
    expect(after.body.categories.find((c) => c.category === 'Dining')).toMatchObject({ count: 1, total: '120.00' });
  });

  it('refresh rebuilds the month from raw rows to the same figures', async () => {
    const before = await get('/v1/dashboard/breakdown?month=2026-10');
    const res = await api<Json>('POST', '/v1/dashboard/refresh?month=2026-10', { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ month: '2026-10', rowsRead: 6, durationMs: expect.any(Number) });
    expect((await get('/v1/dashboard/breakdown?month=2026-10')).body).toEqual(before.body);
    expect((await get('/v1/dashboard/summary?month=2026-10')).body).toMatchObject({ expenses: { count: 5, excludedCount: 1 } });
  });

  it('validates months and needs a key', async () => {
    const res = await get<{ errors: Json[] }>('/v1/dashboard/summary?month=2026-1');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'month', message: 'must be a month YYYY-MM' }]);
    expect((await get('/v1/dashboard/breakdown?month=2026-10&expenseType=OTHER')).status).toBe(422);
    expect((await get('/v1/dashboard/drill-down/Groceries?month=2026-10&level=transactions&limit=501')).status).toBe(422);
    expect((await api('GET', '/v1/dashboard/summary?month=2026-10')).status).toBe(401);
  });
});
