import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Problem = { status: number; type: string; errors?: { index?: number; line?: number; field: string; message: string }[] };

const MONTH = '2026-10';
const row = (extra: Record<string, unknown> = {}) => ({ date: `${MONTH}-05`, amount: '12.50', category: 'Groceries', ...extra });
const isProblem = (res: { headers: Headers }) => (res.headers.get('content-type') ?? '').startsWith('application/problem+json');

/** Amount spellings SPEC names as 422 field errors (never a 5xx), for every decimal field. */
const BAD_AMOUNTS: unknown[] = ['1e5', '5 ', '1,000.00', 'NaN', 'Infinity', '١٢٣', '１２', 1e300, 0.1 + 0.2, 'abc00', '', null, true, {}];
/** Text that PostgreSQL refuses: every text field answers it with a 422 naming the field. */
const HOSTILE_TEXT = ['a\u0000b', 'a\uD800', '\uDC00b'];

describe('input validation: no client input reaches a 5xx', () => {
  let key: string;

  // A tenant (and key) per test: each test sends hundreds of refused writes, and refused requests count
  // against the key's write limit (only server-side failures are not charged).
  beforeEach(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
  });

  async function expectFieldError(method: string, path: string, body: unknown, field: string, index?: number) {
    const res = await api<Problem>(method, path, { key, body });
    expect({ status: res.status, problem: isProblem(res) }).toEqual({ status: 422, problem: true });
    expect(res.body.errors).toContainEqual(expect.objectContaining(index === undefined ? { field } : { index, field }));
  }

  it('rejects every amount spelling outside the grammar as a 422 field error, in batches, lines, provisions and tenants', async () => {
    for (const amount of BAD_AMOUNTS) {
      await expectFieldError('POST', '/v1/transactions', { transactions: [row(), row({ amount })] }, 'amount', 1);
      await expectFieldError('POST', '/v1/fixed-lines', { name: 'Rent', category: 'Home', amount, frequency: 'monthly' }, 'amount');
      await expectFieldError('POST', '/v1/provisions', { name: 'Fund', kind: 'percent', percent: amount }, 'percent');
      await expectFieldError('POST', '/v1/provisions', { name: 'Fund', kind: 'fixed', amount }, 'amount');
      await expectFieldError(
        'POST',
        '/v1/provisions',
        { name: 'Fund', kind: 'fixed', amount: '10', split: { mode: 'manual', shares: { m1: amount, m2: '0.5' } } },
        'split.shares.m1',
      );
      await expectFieldError(
        'PATCH',
        '/v1/tenant',
        { members: [{ id: 'm1', name: 'A', monthlyRevenue: amount, taxRate: '10' }] },
        'members[0].monthlyRevenue',
      );
      await expectFieldError(
        'PATCH',
        '/v1/tenant',
        { members: [{ id: 'm1', name: 'A', monthlyRevenue: '10', taxRate: amount }] },
        'members[0].taxRate',
      );
    }
    // Exactly representable JSON numbers are still welcome.
    const ok = await api('POST', '/v1/transactions', { key, body: { transactions: [row({ amount: 12.5, externalId: 'json-number' })] } });
    expect(ok.status).toBe(201);
  });

  it('rejects NUL and unpaired surrogates in every text field and path segment with a 422 naming it', async () => {
    for (const text of HOSTILE_TEXT) {
      for (const field of ['category', 'subcategory', 'label', 'externalId']) {
        await expectFieldError('POST', '/v1/transactions', { transactions: [row({ [field]: text })] }, field, 0);
      }
      await expectFieldError('POST', '/v1/fixed-lines', { name: text, category: 'Home', amount: '1', frequency: 'monthly' }, 'name');
      await expectFieldError(
        'POST',
        '/v1/provisions',
        { name: 'x', kind: 'fixed', amount: '1', split: { mode: 'member', member: text } },
        'split.member',
      );
      await expectFieldError('PATCH', '/v1/tenant', { name: text }, 'name');
      const trends = await api<Problem>('GET', `/v1/dashboard/trends?from=2026-01&to=2026-02&category=${encodeURIComponent('a\u0000')}`, {
        key,
      });
      expect(trends.status).toBe(422);
    }
    const drill = await api<Problem>('GET', `/v1/dashboard/drill-down/a%00b?month=${MONTH}`, { key });
    expect(drill.status).toBe(422);
    expect(drill.body.errors).toEqual([{ field: 'category', message: 'must not contain NUL characters or unpaired surrogates' }]);
    // A lone surrogate cannot even be percent-encoded as UTF-8: the URL itself is malformed.
    const surrogate = await api<Problem>('GET', `/v1/dashboard/drill-down/%ED%A0%80?month=${MONTH}`, { key });
    expect(surrogate.status).toBe(400);
    expect(isProblem(surrogate)).toBe(true);
    const summary = await api<{ expenses: { count: number } }>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(summary.body.expenses.count).toBe(0); // nothing refused was stored
  });

  it('lists format errors and unknown members of every row in one 422, and stores nothing', async () => {
    const res = await api<Problem>('POST', '/v1/transactions', {
      key,
      body: {
        transactions: [row({ date: '2026-02-30' }), row({ member: 'm9' }), row({ member: 'm1' }), row({ member: 'nobody', amount: '1e5' })],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors?.map((e) => [e.index, e.field])).toEqual([
      [0, 'date'],
      [1, 'member'],
      [3, 'amount'],
      [3, 'member'],
    ]);
    expect(res.body.errors).toContainEqual({ index: 1, field: 'member', message: 'unknown member "m9"' });
    // Members alone are still reported (by ingestion, the authority).
    const membersOnly = await api<Problem>('POST', '/v1/transactions', { key, body: { transactions: [row(), row({ member: 'm9' })] } });
    expect(membersOnly.status).toBe(422);
    expect(membersOnly.body.errors).toEqual([{ index: 1, field: 'member', message: 'unknown member "m9"' }]);
  });

  it('answers 404 for malformed ids in paths', async () => {
    for (const path of ['/v1/fixed-lines/not-a-uuid', '/v1/provisions/123', '/v1/tasks/x', '/v1/imports/%00']) {
      const res = await api<Problem>('GET', path, { key });
      expect({ path, status: res.status, problem: isProblem(res) }).toEqual({ path, status: 404, problem: true });
    }
    expect((await api('DELETE', '/v1/transactions/nope', { key })).status).toBe(404);
    expect((await api('PATCH', '/v1/transactions/nope', { key, body: { category: 'x' } })).status).toBe(404);
  });

  it('answers 415 for a JSON route sent without a content type or as a form, without echoing the body', async () => {
    const body = JSON.stringify({ transactions: [row()] });
    const form = await api<Problem>('POST', '/v1/transactions', { key, rawBody: body, contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.text).not.toContain('Groceries');
    const none = await fetch(`${process.env.E2E_GATEWAY_URL}/v1/fixed-lines`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: new Uint8Array(Buffer.from(body)),
    });
    expect(none.status).toBe(415);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    const plain = await api('POST', '/v1/tenant/keys', { key, rawBody: 'x', contentType: 'text/plain' });
    expect(plain.status).toBe(415);
  });

  it('accepts an empty body declared JSON where no body is expected', async () => {
    const refresh = await api('POST', `/v1/dashboard/refresh?month=${MONTH}`, { key, rawBody: '' });
    expect(refresh.status).toBe(200);
    const task = await api<{ taskId: string }>('POST', `/v1/dashboard/refresh-async?month=${MONTH}`, { key, rawBody: '' });
    expect(task.status).toBe(202);
    const cancel = await api('POST', `/v1/tasks/${task.body.taskId}/cancel`, { key, rawBody: '' });
    expect(cancel.status).toBeLessThan(500);
    expect([200, 409]).toContain(cancel.status);
    const line = await api<{ id: string }>('POST', '/v1/fixed-lines', {
      key,
      body: { name: 'Rent', category: 'Home', amount: '1', frequency: 'monthly' },
    });
    expect((await api('DELETE', `/v1/fixed-lines/${line.body.id}`, { key, rawBody: '' })).status).toBe(204);
    // A body route given an empty body is told what is missing.
    const empty = await api<Problem>('POST', '/v1/fixed-lines', { key, rawBody: '' });
    expect(empty.status).toBe(422);
  });

  it('answers 414 and 431 as problem+json', async () => {
    const longSegment = await api<Problem>('GET', `/v1/dashboard/drill-down/${'a'.repeat(1_200)}?month=${MONTH}`, { key });
    expect({ status: longSegment.status, problem: isProblem(longSegment) }).toEqual({ status: 414, problem: true });
    const bigHeaders = await api<Problem>('GET', `/v1/dashboard/summary?month=${MONTH}`, {
      key,
      headers: { 'x-padding': 'a'.repeat(20_000) },
    });
    expect({ status: bigHeaders.status, problem: isProblem(bigHeaders) }).toEqual({ status: 431, problem: true });
    expect(bigHeaders.body.type).toBe('https://ledgerline.dev/problems/header-fields-too-large');
    // A long but legal category (100 characters, 900 once percent-encoded) is not a 414.
    const wide = await api('GET', `/v1/dashboard/drill-down/${encodeURIComponent('€'.repeat(100))}?month=${MONTH}`, { key });
    expect(wide.status).toBe(200);
  });

  it('validates month and date ranges: years 1900-2999, from ≤ to, at most 120 months', async () => {
    for (const month of ['0000-01', '1899-12', '3000-01', '2026-00', '2026-1']) {
      const res = await api<Problem>('GET', `/v1/dashboard/summary?month=${month}`, { key });
      expect({ month, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({ month, status: 422, field: 'month' });
    }
    await expectFieldError('POST', '/v1/transactions', { transactions: [row({ date: '0001-01-01' })] }, 'date', 0);
    const reversed = await api<Problem>('GET', '/v1/dashboard/trends?from=2026-05&to=2026-01', { key });
    expect(reversed.body.errors).toEqual([{ field: 'to', message: 'must not be before from' }]);
    const long = await api<Problem>('GET', '/v1/dashboard/trends?from=2000-01&to=2010-01', { key });
    expect(long.status).toBe(422);
    expect((await api('GET', '/v1/dashboard/trends?from=2000-01&to=2009-12', { key })).status).toBe(200);
  });
});

describe('CSV imports report each bad line', () => {
  let key: string;

  const upload = async (csv: string | Buffer) => {
    const minted = await api<{ apiKey: string }>('POST', '/v1/tenant/keys', { key });
    const res = await fetch(`${process.env.E2E_GATEWAY_URL}/v1/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${minted.body.apiKey}`, 'content-type': 'text/csv' },
      body: typeof csv === 'string' ? csv : new Uint8Array(csv),
    });
    return ((await res.json()) as { id: string }).id;
  };

  async function finished(id: string) {
    for (let i = 0; i < 400; i++) {
      const res = await api<{ status: string; errors: { line: number; field: string; message: string }[]; errorCount: number }>(
        'GET',
        `/v1/imports/${id}`,
        { key },
      );
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
  });

  it('names the line and field of each bad amount instead of failing the file at line 0', async () => {
    const csv = [
      'date,amount,category',
      '2026-10-01,abc00,Home',
      '2026-10-01,1e5,Home',
      '2026-10-01,5.00,Home',
      '2026-10-01,"1,000.00",Home',
    ].join('\n');
    const status = await finished(await upload(csv));
    expect(status.status).toBe('failed');
    expect(status.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [2, 'amount', 'must be an amount like "12.50"'],
      [3, 'amount', 'must be an amount like "12.50"'],
      [5, 'amount', 'must be an amount like "12.50"'],
    ]);
  });

  it('fails promptly with a line error on a NUL byte', async () => {
    const status = await finished(await upload(Buffer.from('date,amount,category,label\n2026-10-01,5.00,Home,a\u0000b\n')));
    expect(status).toMatchObject({ status: 'failed', errors: [{ line: 2, field: 'label' }] });
  });

  it('keeps reading to a bounded number of errors', async () => {
    const lines = ['date,amount,category', ...Array.from({ length: 500 }, () => '2026-10-01,x,Home')];
    const status = await finished(await upload(lines.join('\n')));
    expect(status.status).toBe('failed');
    expect(status.errorCount).toBe(101);
    expect(status.errors.at(-1)).toEqual({
      line: 101,
      field: '(file)',
      message: 'stopped reading after 100 errors; fix these and send the file again',
    });
    const summary = await api<{ expenses: { count: number } }>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(summary.body.expenses.count).toBe(0);
  });
});
