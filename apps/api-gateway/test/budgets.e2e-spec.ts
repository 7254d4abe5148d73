import { api, createTenant, SPEC_TENANT, waitFor } from '@ledgerline/testing';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Problem = { status: number; type: string; errors: { field: string; message: string }[] };
type Budgets = { budgets: { category: string; limit: string }[]; version: string; applied: boolean };
type Threshold = {
  eventId: string;
  type: string;
  category: string;
  month: string;
  limit: string;
  spent: string;
  state: string;
  version: string;
};
type Delivery = {
  id: string;
  webhookId: string;
  eventId: string;
  state: string;
  attempts: { status: number | null; error: string | null }[];
};
type Webhooks = { webhooks: { id: string; url: string; secret?: string }[]; deliveries: Delivery[] };

/** A webhook endpoint on 127.0.0.1 (the e2e stack allows private targets): records every request, answers as told. */
class Receiver {
  readonly requests: { body: string; signature: string | undefined; status: number }[] = [];
  private server!: Server;

  constructor(private readonly answer: (nth: number) => number = () => 200) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.answer(this.requests.length + 1);
        const signature = req.headers['ledgerline-signature'];
        this.requests.push({ body: Buffer.concat(chunks).toString('utf8'), signature: signature as string | undefined, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/budget`;
  }

  events(): Threshold[] {
    return this.requests.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as Threshold);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver does: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, checked independently of the sender's code. */
function validSignature(secret: string, body: string, header: string | undefined): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
}

const tx = (category: string, amount: string, extra: Record<string, unknown> = {}) => ({
  date: '2026-10-15',
  amount,
  category,
  ...extra,
});

async function post(key: string, rows: unknown[]): Promise<{ version: string; applied: boolean }> {
  const res = await api<{ version: string; applied: boolean }>('POST', '/v1/transactions', { key, body: { transactions: rows } });
  expect(res.status).toBe(201);
  expect(res.body.applied).toBe(true);
  return res.body;
}

async function putBudgets(key: string, budgets: { category: string; limit: string }[]): Promise<Budgets> {
  const res = await api<Budgets>('PUT', '/v1/budgets', { key, body: { budgets } });
  expect(res.status).toBe(200);
  return res.body;
}

async function registerWebhook(key: string, url: string): Promise<string> {
  const res = await api<Webhooks>('PUT', '/v1/tenant/webhooks', { key, body: { webhooks: [{ url }] } });
  expect(res.status).toBe(200);
  expect(res.body.webhooks).toEqual([
    { id: expect.any(String), url, createdAt: expect.any(String), secret: expect.stringMatching(/^whsec_/) },
  ]);
  return res.body.webhooks[0]?.secret as string;
}

const webhooks = async (key: string): Promise<Webhooks> => (await api<Webhooks>('GET', '/v1/tenant/webhooks', { key })).body;

describe('budgets', () => {
  it('refuses an invalid PUT with every field error in one 422, nothing changed', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    await putBudgets(key, [{ category: 'Groceries', limit: '400.00' }]);

    const bad = await api<Problem>('PUT', '/v1/budgets', {
      key,
      body: {
        budgets: [
          { category: '', limit: '12.345' },
          { category: 'Rent', limit: '-1.00' },
          { category: 'Fun', limit: '1e5' },
          { category: 'Books', limit: '0' },
          { category: 'x'.repeat(101), limit: '10.00', note: 'extra' },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.type).toBe('https://ledgerline.dev/problems/validation-failed');
    const fields = bad.body.errors.map((e) => e.field).sort();
    expect(fields).toEqual(
      expect.arrayContaining([
        'budgets[0].category',
        'budgets[0].limit',
        'budgets[1].limit',
        'budgets[2].limit',
        'budgets[3].limit',
        'budgets[4].category',
      ]),
    );
    expect(bad.body.errors.some((e) => e.field.startsWith('budgets[4]') && /note|unrecognized/i.test(`${e.field} ${e.message}`))).toBe(
      true,
    );

    const duplicate = await api<Problem>('PUT', '/v1/budgets', {
      key,
      body: {
        budgets: [
          { category: 'Food', limit: '1.00' },
          { category: 'Food', limit: '2.00' },
        ],
      },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors).toEqual([{ field: 'budgets[1].category', message: 'names a category already budgeted above' }]);

    for (const body of [null, [], { budgets: 'all' }, { budgets: [{ category: 'A', limit: 5 }], other: 1 }]) {
      const res = await api<Problem>('PUT', '/v1/budgets', { key, body });
      expect([400, 422]).toContain(res.status);
    }
    const after = await api<Budgets>('GET', '/v1/budgets', { key });
    expect(after.body).toEqual({ budgets: [{ category: 'Groceries', limit: '400.00' }] });
  });

  it('stores limits as a write with a version, reads them back, and an empty list removes them', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    const written = await post(key, [tx('Groceries', '10.00')]);
    // Read first, so the cached answer exists: the PUT must invalidate it.
    expect((await api<Budgets>('GET', '/v1/budgets', { key })).body).toEqual({ budgets: [] });
    const put = await api<Budgets>('PUT', '/v1/budgets', {
      key,
      body: {
        budgets: [
          { category: 'Rent', limit: '1000' },
          { category: ' Groceries ', limit: '400.5' },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      budgets: [
        { category: 'Groceries', limit: '400.50' },
        { category: 'Rent', limit: '1000.00' },
      ],
      version: written.version,
      applied: true,
    });
    expect(put.headers.get('ledgerline-version')).toBe(written.version);
    expect((await api<Budgets>('GET', '/v1/budgets', { key })).body).toEqual({ budgets: put.body.budgets });

    const summary = await api<{ budgets: unknown[] }>('GET', '/v1/dashboard/summary?month=2026-10', {
      key,
      headers: { 'ledgerline-min-version': put.body.version },
    });
    expect(summary.body.budgets).toHaveLength(2);

    await putBudgets(key, []);
    expect((await api<Budgets>('GET', '/v1/budgets', { key })).body).toEqual({ budgets: [] });
    const cleared = await api<{ budgets: unknown[] }>('GET', '/v1/dashboard/summary?month=2026-10', { key });
    expect(cleared.body.budgets).toEqual([]);
  });

  it('shows each budget in the summary to the cent: spent as the breakdown sums it, percent and state', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    await putBudgets(key, [
      { category: 'Groceries', limit: '400.00' },
      { category: 'Rent', limit: '1000.00' },
      { category: 'Fun', limit: '50.00' },
      { category: 'Books', limit: '30.00' },
      { category: 'Gifts', limit: '300.00' },
    ]);
    await post(key, [
      tx('Groceries', '120.00', { subcategory: 'Market' }),
      tx('Groceries', '200.01', { subcategory: 'Supermarket', member: 'm1' }),
      tx('Groceries', '-0.01', { subcategory: 'Supermarket' }),
      // Excluded rows count nowhere; another month's rows count in that month only.
      tx('Groceries', '1000.00', { exclude: true }),
      tx('Groceries', '999.00', { date: '2026-09-30' }),
      tx('Groceries', '5.00', { date: '2026-09-30', month: '2026-10' }),
      tx('Rent', '999.99', { expenseType: 'FIXED' }),
      tx('Fun', '50.00'),
      tx('Gifts', '239.99'),
      tx('Travel', '77.00'),
    ]);
    const summary = await api<{ budgets: unknown[] }>('GET', '/v1/dashboard/summary?month=2026-10', { key });
    expect(summary.status).toBe(200);
    expect(summary.body.budgets).toEqual([
      { category: 'Books', limit: '30.00', spent: '0.00', percent: '0.00', state: 'ok' },
      { category: 'Fun', limit: '50.00', spent: '50.00', percent: '100.00', state: 'over' },
      { category: 'Gifts', limit: '300.00', spent: '239.99', percent: '80.00', state: 'ok' },
      { category: 'Groceries', limit: '400.00', spent: '325.00', percent: '81.25', state: 'warning' },
      { category: 'Rent', limit: '1000.00', spent: '999.99', percent: '100.00', state: 'warning' },
    ]);
    // spent is the breakdown's category total.
    const breakdown = await api<{ categories: { category: string; total: string }[] }>('GET', '/v1/dashboard/breakdown?month=2026-10', {
      key,
    });
    expect(breakdown.body.categories.find((c) => c.category === 'Groceries')?.total).toBe('325.00');

    // A refund moves Groceries back below 80 %: the summary follows at once (the cache was invalidated by the write).
    await post(key, [tx('Groceries', '-6.00')]);
    const after = await api<{ budgets: { category: string; state: string; spent: string; percent: string }[] }>(
      'GET',
      '/v1/dashboard/summary?month=2026-10',
      { key },
    );
    expect(after.body.budgets.find((b) => b.category === 'Groceries')).toEqual({
      category: 'Groceries',
      limit: '400.00',
      spent: '319.00',
      percent: '79.75',
      state: 'ok',
    });
  });
});

describe('budget.threshold webhooks', () => {
  const receivers: Receiver[] = [];
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
  });
  const receiver = async (answer?: (nth: number) => number) => {
    const r = new Receiver(answer);
    receivers.push(r);
    return { receiver: r, url: await r.start() };
  };

  it('notifies once per (category, month, state) when concurrent writers cross 80 % and then 100 %', async () => {
    const { apiKey: key, id: tenantId } = await createTenant(SPEC_TENANT);
    const { receiver: rx, url } = await receiver();
    const secret = await registerWebhook(key, url);
    await putBudgets(key, [{ category: 'Groceries', limit: '100.00' }]);
    // A neighbour with the same budget and its own endpoint: it must hear nothing of the first tenant's writes.
    const { apiKey: neighbourKey } = await createTenant({ ...SPEC_TENANT, name: 'Neighbours' });
    const { receiver: neighbourRx, url: neighbourUrl } = await receiver();
    await registerWebhook(neighbourKey, neighbourUrl);
    await putBudgets(neighbourKey, [{ category: 'Groceries', limit: '1.00' }]);

    // 8 writers at once, 11.25 each: 90.00 → warning, whichever way their changes are batched (7 × 11.25 = 78.75 is still ok).
    await Promise.all(Array.from({ length: 8 }, (_, i) => post(key, [tx('Groceries', '11.25', { label: `w${i}` })])));
    // 4 more at once, 5.00 each: 110.00 → over.
    await Promise.all(Array.from({ length: 4 }, (_, i) => post(key, [tx('Groceries', '5.00', { label: `o${i}` })])));
    // Moving down and up again does not notify again: the states were reached already this month.
    await post(key, [tx('Groceries', '-40.00')]);
    await post(key, [tx('Groceries', '40.00')]);
    // Another month and an unbudgeted category: only the budgeted month-category crossing counts.
    await post(key, [tx('Groceries', '85.00', { date: '2026-11-02' }), tx('Travel', '500.00')]);

    // Every threshold was recorded with its deliveries in the transaction that applied the write (applied: true above).
    const queued = (await webhooks(key)).deliveries;
    expect(queued).toHaveLength(3);
    await waitFor('every delivery to be delivered', async () => (await webhooks(key)).deliveries.every((d) => d.state === 'delivered'));

    const events = rx.events().sort((a, b) => `${a.month}${a.state}`.localeCompare(`${b.month}${b.state}`));
    expect(events.map((e) => [e.month, e.category, e.state, e.limit, e.spent])).toEqual([
      // Over is reached at 100.00, 105.00 or 110.00, depending on how the four writers' changes were batched.
      ['2026-10', 'Groceries', 'over', '100.00', expect.stringMatching(/^1(00|05|10)\.00$/)],
      ['2026-10', 'Groceries', 'warning', '100.00', '90.00'],
      ['2026-11', 'Groceries', 'warning', '100.00', '85.00'],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    for (const e of events) expect(e).toMatchObject({ type: 'budget.threshold', tenantId, version: expect.stringMatching(/^\d+$/) });
    for (const r of rx.requests) expect(validSignature(secret, r.body, r.signature)).toBe(true);
    expect(rx.requests).toHaveLength(3);

    expect(neighbourRx.requests).toEqual([]);
    const neighbour = await webhooks(neighbourKey);
    expect(neighbour.deliveries).toEqual([]);
    expect(neighbour.webhooks.map((w) => w.url)).toEqual([neighbourUrl]);
    expect((await api<Budgets>('GET', '/v1/budgets', { key: neighbourKey })).body).toEqual({
      budgets: [{ category: 'Groceries', limit: '1.00' }],
    });
  });

  it('retries a receiver that fails twice and delivers exactly once, signed, with every attempt visible', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    const { receiver: rx, url } = await receiver((nth) => (nth <= 2 ? 500 : 200));
    const secret = await registerWebhook(key, url);
    await putBudgets(key, [{ category: 'Rent', limit: '1000.00' }]);
    const write = await post(key, [tx('Rent', '1000.00', { expenseType: 'FIXED' })]);

    await waitFor('the delivery to succeed', async () => (await webhooks(key)).deliveries[0]?.state === 'delivered');
    const [delivery] = (await webhooks(key)).deliveries;
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(delivery?.attempts.map((a) => a.error)).toEqual(['answered 500', 'answered 500', null]);

    expect(rx.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    // The same event each time, each attempt signed anew over the same body.
    expect(new Set(rx.requests.map((r) => r.body)).size).toBe(1);
    for (const r of rx.requests) expect(validSignature(secret, r.body, r.signature)).toBe(true);
    expect(validSignature('whsec_wrong', rx.requests[2]?.body as string, rx.requests[2]?.signature)).toBe(false);
    expect(rx.events()).toEqual([
      expect.objectContaining({
        category: 'Rent',
        month: '2026-10',
        state: 'over',
        limit: '1000.00',
        spent: '1000.00',
        version: write.version,
      }),
    ]);
    expect(rx.events()[0]?.eventId).toBe(delivery?.eventId);
  });

  it('refuses webhook URLs the SSRF guard rejects with a 422 naming each one, nothing changed', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    const { url } = await receiver();
    await registerWebhook(key, url);
    // The e2e stack allows private addresses (its receivers are on 127.0.0.1), so what stays refused here is
    // the scheme and credential rules; loopback, metadata and private targets are covered by webhook-target.spec.ts.
    const refused = await api<Problem>('PUT', '/v1/tenant/webhooks', {
      key,
      body: {
        webhooks: [
          { url: 'ftp://127.0.0.1/x' },
          { url: 'https://127.0.0.1:1/' },
          { url: 'https://user:pw@127.0.0.1/' },
          { url: 'not a url' },
        ],
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: 'webhooks[0].url', message: 'must be an https:// URL' },
      { field: 'webhooks[2].url', message: 'must not carry credentials' },
      { field: 'webhooks[3].url', message: 'must be an absolute https:// URL' },
    ]);
    const stillThere = await webhooks(key);
    expect(stillThere.webhooks.map((w) => w.url)).toEqual([url]);
    expect(stillThere.webhooks[0]).not.toHaveProperty('secret');

    const tooMany = await api<Problem>('PUT', '/v1/tenant/webhooks', {
      key,
      body: { webhooks: Array.from({ length: 11 }, (_, i) => ({ url: `https://h${i}.example/` })) },
    });
    expect(tooMany.status).toBe(422);
  });
});
