import { api, createTenant, generateTransactions, prng, SEED_CATEGORIES, type SeedRow } from '@ledgerline/testing';

/**
 * GET /v1/transactions against an in-memory model of the same rows: random
 * filter combinations, every page walked — nothing missed, nothing repeated,
 * newest first by (date, id).
 */

type Item = { id: string; externalId: string; date: string; amount: string; category: string; exclude: boolean };
type Page = { items: Item[]; nextCursor: string | null };
type Problem = { status: number; errors: { field: string; message: string }[] };
type Filters = Record<string, string>;

const MEMBERS = ['a', 'b'];
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const TENANT = {
  name: 'Search household',
  members: MEMBERS.map((id) => ({ id, name: id.toUpperCase(), monthlyRevenue: '3000.00', taxRate: '20' })),
  split: { mode: 'equal' },
};

const toCents = (amount: string) => BigInt(amount.replace('.', ''));
/** The model's idea of "words", written independently of the service: letters and digits, no accents, lower case. */
const words = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

function matches(row: SeedRow, f: Filters): boolean {
  const from = f.from && (f.from.length === 7 ? `${f.from}-01` : f.from);
  const to = f.to && (f.to.length === 7 ? `${f.to}-${lastDay(f.to)}` : f.to);
  if (from && row.date < from) return false;
  if (to && row.date > to) return false;
  if (f.category && row.category !== f.category) return false;
  if (f.subcategory && row.subcategory !== f.subcategory) return false;
  if (f.member && row.member !== f.member) return false;
  if (f.expenseType && row.expenseType !== f.expenseType) return false;
  if (f.minAmount && toCents(row.amount) < toCents(f.minAmount)) return false;
  if (f.maxAmount && toCents(row.amount) > toCents(f.maxAmount)) return false;
  if (f.excluded && String(row.exclude) !== f.excluded) return false;
  if (f.q) {
    const doc = words(`${row.label} ${row.category} ${row.subcategory}`);
    if (!words(f.q).every((w) => doc.some((d) => d.startsWith(w)))) return false;
  }
  return true;
}

describe('transaction search matches a model of the same rows', () => {
  let key: string;
  const rows: SeedRow[] = [
    ...generateTransactions({
      seed: 2024,
      startMonth: MONTHS[0] as string,
      months: 3,
      rowsPerMonth: 200,
      members: MEMBERS,
      idPrefix: 'find',
    }),
    // Many rows on one day (ties broken by id across pages) and accents in category and subcategory.
    ...Array.from({ length: 30 }, (_, i) => ({
      externalId: `same-day-${i}`,
      date: '2026-02-14',
      month: '2026-02',
      label: i % 2 === 0 ? 'Épicerie FINE Crème' : 'Boulangerie',
      amount: `${10 + i}.05`,
      category: i % 3 === 0 ? 'Café' : 'Groceries',
      subcategory: i % 5 === 0 ? 'Crêpes' : 'Main',
      expenseType: 'VARIABLE' as const,
      ...(i % 4 === 0 ? {} : { member: MEMBERS[i % 2] as string }),
      exclude: i % 7 === 0,
    })),
  ];

  async function walk(filters: Filters, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    for (let pages = 0; ; pages++) {
      const params: URLSearchParams = new URLSearchParams({ ...filters, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res: { status: number; body: Page; text: string } = await api<Page>('GET', `/v1/transactions?${params.toString()}`, { key });
      if (res.status !== 200) throw new Error(`${params.toString()}: ${res.status} ${res.text}`);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      // A page that says there is more is full.
      if (res.body.nextCursor !== null) expect(res.body.items).toHaveLength(limit);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return items;
      if (pages > rows.length) throw new Error('the pages never end');
    }
  }

  function expectNewestFirst(items: Item[]): void {
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1] as Item, items[i] as Item];
      expect(a.date > b.date || (a.date === b.date && a.id > b.id)).toBe(true);
    }
  }

  beforeAll(async () => {
    key = (await createTenant(TENANT)).apiKey;
    for (let i = 0; i < rows.length; i += 500) {
      const res = await api('POST', '/v1/transactions', { key, body: { transactions: rows.slice(i, i + 500) } });
      expect(res.status).toBe(201);
    }
  });

  it('lists every row once, newest first, without filters', async () => {
    const items = await walk({}, 97);
    expect(items.map((i) => i.externalId).sort()).toEqual(rows.map((r) => r.externalId).sort());
    expectNewestFirst(items);
    expect(items.find((i) => i.externalId === 'same-day-7')).toMatchObject({ exclude: true, category: 'Groceries', amount: '17.05' });
  });

  it('finds words of label, category and subcategory by prefix, whatever the case and accents', async () => {
    const ids = async (q: string) => (await walk({ q }, 500)).map((i) => i.externalId).sort();
    const model = (q: string) =>
      rows
        .filter((r) => matches(r, { q }))
        .map((r) => r.externalId)
        .sort();
    for (const q of [
      'epicerie',
      'ÉPICERIE fine',
      'creme',
      'crème',
      'CREPES',
      'cafe',
      'Café Marché',
      'zurich',
      'müller',
      'groc main',
      'nothingmatches',
    ]) {
      expect({ q, ids: await ids(q) }).toEqual({ q, ids: model(q) });
    }
    expect((await ids('crêpes')).length).toBeGreaterThan(0);
    expect(await ids('ZURICH')).toEqual(await ids('Zürich'));
  });

  it('agrees with the model on random filter combinations, page after page', async () => {
    const random = prng(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const day = () => `${pick(MONTHS)}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const amount = () => `${Math.floor(random() * 400) - 20}.${String(Math.floor(random() * 100)).padStart(2, '0')}`;
    for (let run = 0; run < 40; run++) {
      const f: Filters = {};
      if (random() < 0.3) f.from = random() < 0.5 ? day() : (pick(MONTHS) as string);
      if (random() < 0.3) f.to = random() < 0.5 ? day() : (pick(MONTHS) as string);
      if (f.from && f.to && (f.to.length === 7 ? `${f.to}-31` : f.to) < f.from) delete f.to;
      if (random() < 0.25) f.category = pick(SEED_CATEGORIES);
      if (random() < 0.2) f.subcategory = pick(['Main', 'Online', 'Local', 'Occasional', 'Other', 'Crêpes']);
      if (random() < 0.3) f.member = pick(MEMBERS);
      if (random() < 0.2) f.expenseType = pick(['FIXED', 'VARIABLE']);
      if (random() < 0.4) {
        // A word (or its start) of some row, typed in another case.
        const doc = pick(rows).label.split(' ');
        const word = pick(doc);
        const typed = word.slice(0, Math.max(2, Math.ceil(word.length * random())));
        f.q = random() < 0.5 ? typed.toUpperCase() : typed;
      }
      if (random() < 0.25) f.minAmount = amount();
      if (random() < 0.25) f.maxAmount = amount();
      if (f.minAmount && f.maxAmount && toCents(f.maxAmount) < toCents(f.minAmount)) delete f.maxAmount;
      if (random() < 0.2) f.excluded = pick(['true', 'false']);
      const limit = 1 + Math.floor(random() * 40);

      const items = await walk(f, limit);
      const seen = items.map((i) => i.externalId);
      expect({ f, duplicates: seen.length - new Set(seen).size }).toEqual({ f, duplicates: 0 });
      expect({ f, ids: [...seen].sort() }).toEqual({
        f,
        ids: rows
          .filter((r) => matches(r, f))
          .map((r) => r.externalId)
          .sort(),
      });
      expectNewestFirst(items);
    }
  });

  it('refuses bad filters with a 422 naming each field', async () => {
    const problem = async (query: string) => {
      const res = await api<Problem>('GET', `/v1/transactions?${query}`, { key });
      expect(res.status).toBe(422);
      return res.body.errors.map((e) => e.field).sort();
    };
    expect(await problem('cursor=bm90LWEtY3Vyc29y')).toEqual(['cursor']);
    expect(await problem('member=zz')).toEqual(['member']);
    expect(await problem('member=no%20spaces')).toEqual(['member']);
    expect(await problem('limit=501&from=2026-13&to=x')).toEqual(['from', 'limit', 'to']);
    expect(await problem('minAmount=1.001&maxAmount=abc&excluded=maybe&expenseType=other')).toEqual([
      'excluded',
      'expenseType',
      'maxAmount',
      'minAmount',
    ]);
    expect(await problem('minAmount=5&maxAmount=4')).toEqual(['maxAmount']);
    expect(await problem('category=a&category=b')).toEqual(['category']);
    expect(await problem(`q=${'w '.repeat(9)}`)).toEqual(['q']);
  });

  it('never shows another tenant its rows', async () => {
    const other = (await createTenant(TENANT)).apiKey;
    const res = await api<Page>('GET', '/v1/transactions?q=epicerie', { key: other });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });
});
