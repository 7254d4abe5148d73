import { api, createTenant, generateTransactions, killService, restartService, serviceEnv, type SeedRow } from '@ledgerline/testing';
import { Client } from 'pg';

/**
 * The rollups against an independent oracle: a plain in-memory model of the
 * same generated rows (no SQL, no rollups, no libs/money), after inserts,
 * recategorisations, exclusions and deletes, compared figure by figure.
 */

type Json = Record<string, unknown>;
type Item = { id: string; externalId: string; amount: string };

const MEMBERS = ['a', 'b', 'c'];
const TENANT = {
  name: 'Model household',
  members: MEMBERS.map((id, i) => ({ id, name: id.toUpperCase(), monthlyRevenue: `${1000 * (i + 1)}.00`, taxRate: '10' })),
  split: { mode: 'equal' },
};
const MONTHS = ['2026-01', '2026-02', '2026-03'];

const toCents = (amount: string) => BigInt(amount.replace('.', ''));
const money = (cents: bigint) => {
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
/** Oracle rounding: half away from zero, written out separately from libs/money on purpose. */
const divRound = (n: bigint, d: bigint) => {
  const sign = n < 0n !== d < 0n ? -1n : 1n;
  const [an, ad] = [n < 0n ? -n : n, d < 0n ? -d : d];
  return sign * ((2n * an + ad) / (2n * ad));
};
const ratio = (n: bigint, d: bigint) => {
  if (d === 0n) return '0.0000';
  const v = divRound(n * 10_000n, d);
  const abs = v < 0n ? -v : v;
  return `${v < 0n ? '-' : ''}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, '0')}`;
};

function expectedBreakdown(rows: SeedRow[], month: string, key: (r: SeedRow) => string, filter: (r: SeedRow) => boolean = () => true) {
  const groups = new Map<string, bigint[]>();
  for (const r of rows.filter((r) => r.month === month && !r.exclude && filter(r))) {
    groups.set(key(r), [...(groups.get(key(r)) ?? []), toCents(r.amount)]);
  }
  const whole = [...groups.values()].flat().reduce((a, b) => a + b, 0n);
  const out = [...groups.entries()].map(([k, amounts]) => {
    const total = amounts.reduce((a, b) => a + b, 0n);
    return {
      key: k,
      count: amounts.length,
      total: money(total),
      avg: money(divRound(total, BigInt(amounts.length))),
      min: money(amounts.reduce((a, b) => (b < a ? b : a))),
      max: money(amounts.reduce((a, b) => (b > a ? b : a))),
      share: ratio(total, whole),
      cents: total,
    };
  });
  out.sort((x, y) => (x.cents === y.cents ? (x.key < y.key ? -1 : 1) : x.cents > y.cents ? -1 : 1));
  return { total: money(whole), rows: out.map(({ cents: _c, ...rest }) => rest) };
}

describe('dashboards match an independent model of the same generated data', () => {
  let key: string;
  let tenantId: string;
  const rows: SeedRow[] = [
    ...generateTransactions({
      seed: 42,
      startMonth: MONTHS[0] as string,
      months: 3,
      rowsPerMonth: 250,
      members: MEMBERS,
      idPrefix: 'model',
    }),
  ];
  const get = async <T = Json>(path: string) => {
    const res = await api<T>('GET', path, { key });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body;
  };

  async function ingest(batch: SeedRow[]): Promise<Json> {
    const res = await api<Json>('POST', '/v1/transactions', { key, body: { transactions: batch } });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** Every drill-down row of a category-month, walking the keyset pages. */
  async function allItems(category: string, month: string, limit: number, member?: string): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await get(
        `/v1/dashboard/drill-down/${encodeURIComponent(category)}?month=${month}&level=transactions&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}${member ? `&member=${member}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  async function expectAllFiguresMatch(): Promise<void> {
    for (const month of MONTHS) {
      const all = expectedBreakdown(rows, month, (r) => r.category);
      const breakdown = await get<{ total: string; categories: Json[] }>(`/v1/dashboard/breakdown?month=${month}`);
      expect(breakdown.total).toBe(all.total);
      expect(breakdown.categories).toEqual(all.rows.map(({ key: category, ...rest }) => ({ category, ...rest })));

      for (const type of ['FIXED', 'VARIABLE'] as const) {
        const typed = expectedBreakdown(
          rows,
          month,
          (r) => r.category,
          (r) => r.expenseType === type,
        );
        const res = await get<{ total: string; categories: Json[] }>(`/v1/dashboard/breakdown?month=${month}&expenseType=${type}`);
        expect(res.total).toBe(typed.total);
        expect(res.categories).toEqual(typed.rows.map(({ key: category, ...rest }) => ({ category, ...rest })));
      }

      const category = all.rows[0]?.key as string;
      const subs = expectedBreakdown(
        rows,
        month,
        (r) => r.subcategory,
        (r) => r.category === category,
      );
      const drill = await get<{ total: string; subcategories: Json[] }>(`/v1/dashboard/drill-down/${category}?month=${month}`);
      expect(drill.total).toBe(subs.total);
      expect(drill.subcategories).toEqual(subs.rows.map(({ key: subcategory, ...rest }) => ({ subcategory, ...rest })));

      const live = rows.filter((r) => r.month === month && !r.exclude);
      const summary = await get<{ expenses: Json; members: { id: string; paid: string }[] }>(`/v1/dashboard/summary?month=${month}`);
      const sum = (list: SeedRow[]) => money(list.reduce((a, r) => a + toCents(r.amount), 0n));
      expect(summary.expenses).toEqual({
        total: sum(live),
        fixed: sum(live.filter((r) => r.expenseType === 'FIXED')),
        variable: sum(live.filter((r) => r.expenseType === 'VARIABLE')),
        count: live.length,
        excludedCount: rows.filter((r) => r.month === month && r.exclude).length,
      });
      expect(summary.members.map((m) => m.paid)).toEqual(MEMBERS.map((id) => sum(live.filter((r) => r.member === id))));
    }
    await expectMemberFiguresMatch();
    const trends = await get<{ months: Json[] }>(`/v1/dashboard/trends?from=2025-12&to=2026-04`);
    expect(trends.months.map((m) => [m.month, m.total, m.count])).toEqual(
      ['2025-12', ...MONTHS, '2026-04'].map((month) => {
        const live = rows.filter((r) => r.month === month && !r.exclude);
        return [month, money(live.reduce((a, r) => a + toCents(r.amount), 0n)), live.length];
      }),
    );
  }

  /** `member=` views: the same figures over that member's rows only (rows without a member are in nobody's). */
  async function expectMemberFiguresMatch(): Promise<void> {
    const sum = (list: SeedRow[]) => list.reduce((a, r) => a + toCents(r.amount), 0n);
    const live = (month: string, member: string) => rows.filter((r) => r.month === month && !r.exclude && r.member === member);
    for (const member of MEMBERS) {
      const mine = (r: SeedRow) => r.member === member;
      for (const month of MONTHS) {
        const expected = expectedBreakdown(rows, month, (r) => r.category, mine);
        const breakdown = await get<{ total: string; categories: Json[] }>(`/v1/dashboard/breakdown?month=${month}&member=${member}`);
        expect({ member, month, total: breakdown.total, categories: breakdown.categories }).toEqual({
          member,
          month,
          total: expected.total,
          categories: expected.rows.map(({ key: category, ...rest }) => ({ category, ...rest })),
        });
        const fixed = expectedBreakdown(
          rows,
          month,
          (r) => r.category,
          (r) => mine(r) && r.expenseType === 'FIXED',
        );
        const fixedBreakdown = await get<{ total: string; categories: Json[] }>(
          `/v1/dashboard/breakdown?month=${month}&expenseType=FIXED&member=${member}`,
        );
        expect(fixedBreakdown.categories).toEqual(fixed.rows.map(({ key: category, ...rest }) => ({ category, ...rest })));

        const category = expected.rows[0]?.key as string;
        const subs = expectedBreakdown(
          rows,
          month,
          (r) => r.subcategory,
          (r) => mine(r) && r.category === category,
        );
        const drill = await get<{ total: string; subcategories: Json[] }>(
          `/v1/dashboard/drill-down/${category}?month=${month}&member=${member}`,
        );
        expect({ member, month, drill }).toEqual({
          member,
          month,
          drill: expect.objectContaining({
            total: subs.total,
            subcategories: subs.rows.map(({ key: subcategory, ...rest }) => ({ subcategory, ...rest })),
          }),
        });

        const current = live(month, member);
        const previous = live(MONTHS[MONTHS.indexOf(month) - 1] ?? '2025-12', member);
        const stats = await get<Json & { largestExpense: { amount: string } | null }>(
          `/v1/dashboard/stats?month=${month}&member=${member}`,
        );
        const largest = current.map((r) => toCents(r.amount)).reduce((a, b) => (b > a ? b : a), 0n);
        const days = BigInt(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate());
        expect({ member, month, stats }).toEqual({
          member,
          month,
          stats: expect.objectContaining({
            total: money(sum(current)),
            previousTotal: money(sum(previous)),
            count: current.length,
            dailyAverage: money(divRound(sum(current), days)),
            largestExpense: largest > 0n ? expect.objectContaining({ amount: money(largest) }) : null,
          }),
        });
      }
      const trends = await get<{ months: Json[] }>(`/v1/dashboard/trends?from=2025-12&to=2026-04&member=${member}`);
      expect(trends.months.map((m) => [m.month, m.total, m.fixed, m.count])).toEqual(
        ['2025-12', ...MONTHS, '2026-04'].map((month) => {
          const list = live(month, member);
          return [month, money(sum(list)), money(sum(list.filter((r) => r.expenseType === 'FIXED'))), list.length];
        }),
      );
      const top = expectedBreakdown(rows, MONTHS[0] as string, (r) => r.category).rows[0]?.key as string;
      const categoryTrends = await get<{ months: Json[] }>(
        `/v1/dashboard/trends?from=${MONTHS[0]}&to=${MONTHS[2]}&category=${top}&member=${member}`,
      );
      expect(categoryTrends.months.map((m) => m.total)).toEqual(
        MONTHS.map((month) => money(sum(live(month, member).filter((r) => r.category === top)))),
      );
      const month = MONTHS[1] as string;
      const drillRows = await allItems(top, month, 9, member);
      expect(drillRows.map((i) => i.externalId).sort()).toEqual(
        live(month, member)
          .filter((r) => r.category === top)
          .map((r) => r.externalId)
          .sort(),
      );
    }
  }

  /** Figures catch up asynchronously (a restarted service): the check is retried until it holds or the time is up. */
  async function eventually(check: () => Promise<void>, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        await check();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  beforeAll(async () => {
    ({ apiKey: key, id: tenantId } = await createTenant(TENANT));
    for (let i = 0; i < rows.length; i += 200) await ingest(rows.slice(i, i + 200));
  });

  it('after ingest', async () => {
    await expectAllFiguresMatch();
  });

  it('after recategorising, excluding and deleting rows (min/max recomputed)', async () => {
    const month = MONTHS[1] as string;
    const largest = expectedBreakdown(rows, month, (r) => r.category).rows[0]?.key as string;
    const items = await allItems(largest, month, 50);
    // Take away the extremes of the biggest category so its min and max must change.
    const sorted = [...items].sort((a, b) => (toCents(a.amount) < toCents(b.amount) ? -1 : 1));
    const [lowest, highest, third, fourth] = [sorted[0], sorted[sorted.length - 1], sorted[1], sorted[2]] as Item[];
    const byExternal = (id: string) => rows.find((r) => r.externalId === id) as SeedRow;

    expect((await api('DELETE', `/v1/transactions/${lowest.id}`, { key })).status).toBe(204);
    rows.splice(rows.indexOf(byExternal(lowest.externalId)), 1);
    expect(
      (await api<Json>('PATCH', `/v1/transactions/${highest.id}`, { key, body: { category: 'Moved', subcategory: 'Elsewhere' } })).body,
    ).toMatchObject({ applied: true });
    Object.assign(byExternal(highest.externalId), { category: 'Moved', subcategory: 'Elsewhere' });
    await api('PATCH', `/v1/transactions/${third.id}`, { key, body: { exclude: true } });
    byExternal(third.externalId).exclude = true;
    await api('PATCH', `/v1/transactions/${fourth.id}`, { key, body: { expenseType: 'FIXED', member: null } });
    Object.assign(byExternal(fourth.externalId), { expenseType: 'FIXED', member: undefined });

    await expectAllFiguresMatch();
  });

  it('refuses a member the tenant does not have, on every per-member view', async () => {
    for (const path of [
      `/v1/dashboard/breakdown?month=${MONTHS[0]}&member=zz`,
      `/v1/dashboard/drill-down/Groceries?month=${MONTHS[0]}&member=zz`,
      `/v1/dashboard/drill-down/Groceries?month=${MONTHS[0]}&level=transactions&member=zz`,
      `/v1/dashboard/trends?from=${MONTHS[0]}&to=${MONTHS[2]}&member=zz`,
      `/v1/dashboard/stats?month=${MONTHS[0]}&member=zz`,
      `/v1/dashboard/stats?month=${MONTHS[0]}&member=not%20an%20id`,
    ]) {
      const res = await api<{ errors: { field: string }[] }>('GET', path, { key });
      expect({ path, status: res.status, fields: res.body.errors?.map((e) => e.field) }).toEqual({ path, status: 422, fields: ['member'] });
    }
  });

  it('lists every drill-down row exactly once across pages, also while rows are being added', async () => {
    const month = MONTHS[2] as string;
    const category = expectedBreakdown(rows, month, (r) => r.category).rows[0]?.key as string;
    const expected = rows.filter((r) => r.month === month && r.category === category && !r.exclude).map((r) => r.externalId);
    const walking = allItems(category, month, 7);
    // Concurrent inserts into the same category-month (dated before every existing row, so behind the cursor).
    const late = rows.slice(0, 5).map((r, i) => ({ ...r, externalId: `late-${i}`, month, date: `${month}-01`, category, exclude: false }));
    await ingest(late);
    const seen = (await walking).map((i) => i.externalId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !id.startsWith('late-')).sort()).toEqual([...expected].sort());
    rows.push(...late);
  });

  it('counts every row once when a refresh races with writes', async () => {
    const extra = [
      ...generateTransactions({
        seed: 7,
        startMonth: MONTHS[0] as string,
        months: 3,
        rowsPerMonth: 40,
        members: MEMBERS,
        idPrefix: 'race',
      }),
    ];
    await Promise.all([
      ...MONTHS.map((month) => api('POST', `/v1/dashboard/refresh?month=${month}`, { key })),
      ingest(extra.slice(0, 60)),
      ingest(extra.slice(60)),
      ...MONTHS.map((month) => api('POST', `/v1/dashboard/refresh?month=${month}`, { key })),
    ]);
    rows.push(...extra);
    await expectAllFiguresMatch();
  });

  it('counts every row once when many writers change the tenant at the same moment', async () => {
    const burst = [
      ...generateTransactions({
        seed: 11,
        startMonth: MONTHS[0] as string,
        months: 3,
        rowsPerMonth: 10,
        members: MEMBERS,
        idPrefix: 'burst',
      }),
    ];
    // One request per row, all at once, and five of them twice: their changes reach aggregation together.
    const replies = await Promise.all([...burst, ...burst.slice(0, 5)].map((row) => ingest([row])));
    expect(replies.every((reply) => reply.applied === true)).toBe(true);
    expect(replies.reduce((n, reply) => n + (reply.accepted as number), 0)).toBe(burst.length);
    expect(replies.reduce((n, reply) => n + (reply.duplicates as number), 0)).toBe(5);
    rows.push(...burst);
    await expectAllFiguresMatch();
  });

  it('rebuilds the per-member rollups of months rolled up before they existed, once aggregation runs', async () => {
    const db = new Client({ connectionString: serviceEnv('aggregation').DATABASE_URL });
    await db.connect();
    try {
      await killService('aggregation');
      try {
        // The state the per-member migration leaves on existing data: no per-member rows, every month queued.
        await db.query('DELETE FROM aggregation.member_category_rollups WHERE tenant_id = $1', [tenantId]);
        await db.query(
          `INSERT INTO aggregation.member_rollups_backfill (tenant_id, month)
           SELECT tenant_id, month FROM aggregation.month_rollups WHERE tenant_id = $1 ON CONFLICT DO NOTHING`,
          [tenantId],
        );
      } finally {
        await restartService('aggregation');
      }
      await eventually(async () => {
        const queued = await db.query('SELECT 1 FROM aggregation.member_rollups_backfill WHERE tenant_id = $1', [tenantId]);
        expect(queued.rowCount).toBe(0);
        await expectAllFiguresMatch();
      });
    } finally {
      await db.end();
    }
  });

  it('commits writes while aggregation is down, says so, and catches up from JetStream when it returns', async () => {
    const offline = [
      ...generateTransactions({
        seed: 99,
        startMonth: MONTHS[0] as string,
        months: 3,
        rowsPerMonth: 10,
        members: MEMBERS,
        idPrefix: 'offline',
      }),
    ];
    await killService('aggregation');
    let offlineReply: unknown;
    try {
      offlineReply = await ingest(offline);
    } finally {
      // Whatever the reply, the specs after this one need aggregation back.
      await restartService('aggregation');
    }
    expect(offlineReply).toEqual({ accepted: offline.length, duplicates: 0, applied: false, version: expect.stringMatching(/^\d+$/) });
    rows.push(...offline);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await expectAllFiguresMatch();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
});
