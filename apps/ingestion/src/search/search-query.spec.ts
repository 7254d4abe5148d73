import { encodeCursor, transactionSearchQuerySchema } from '@ledgerline/contracts';
import { buildSearchQuery, SEARCH_DOCUMENT, tsQueryOf } from './search-query';

const TENANT = '6f1c1d8e-54a8-4b0e-9a4c-3d1c0a7e2b11';
const query = (input: Record<string, string>) => transactionSearchQuerySchema.parse(input);

describe('search query building', () => {
  it('lists the tenant newest first with one row past the page', () => {
    const sql = buildSearchQuery(TENANT, query({}));
    expect(sql.text).toMatch(/WHERE tenant_id = \$1 ORDER BY t.date DESC, t.id DESC LIMIT \$2$/);
    expect(sql.values).toEqual([TENANT, 51]);
  });

  it('adds only the filters asked for, each as a parameter', () => {
    const after = { date: '2026-03-04', id: '0b6f2f7e-8a4c-4c5e-9a63-2f1f6d0e9b11' };
    const sql = buildSearchQuery(
      TENANT,
      query({
        from: '2026-02',
        to: '2026-03',
        category: "Groceries'; DROP TABLE x",
        subcategory: 'Market',
        member: 'm1',
        expenseType: 'FIXED',
        q: 'Café  crème!',
        minAmount: '-10.5',
        maxAmount: '99',
        excluded: 'false',
        limit: '20',
        cursor: encodeCursor(after),
      }),
    );
    expect(sql.text).toBe(
      "SELECT id, external_id, to_char(date, 'YYYY-MM-DD') AS date, month, label, amount_cents, category, subcategory, expense_type, member, exclude" +
        ' FROM ingestion.transactions t WHERE tenant_id = $1 AND date >= $2::date AND date <= $3::date AND category = $4 AND subcategory = $5' +
        ' AND member = $6 AND expense_type = $7 AND amount_cents >= $8::bigint AND amount_cents <= $9::bigint AND exclude = $10' +
        ` AND (date, id) < ($11::date, $12::uuid) AND ${SEARCH_DOCUMENT} @@ to_tsquery('simple', ingestion.unaccent('ingestion.unaccent'::regdictionary, $13))` +
        ' ORDER BY t.date DESC, t.id DESC LIMIT $14',
    );
    expect(sql.values).toEqual([
      TENANT,
      '2026-02-01',
      '2026-03-31',
      "Groceries'; DROP TABLE x",
      'Market',
      'm1',
      'FIXED',
      '-1050',
      '9900',
      false,
      after.date,
      after.id,
      "'cafe':* & 'creme':*",
      21,
    ]);
  });

  it('searches the newest rows first for words, with the other filters applied before the limit', () => {
    const sql = buildSearchQuery(TENANT, query({ q: 'groc', member: 'm2' }), 4000);
    expect(sql?.text).toMatch(
      /FROM \(SELECT \* FROM ingestion\.transactions t WHERE tenant_id = \$1 AND member = \$2 ORDER BY t\.date DESC, t\.id DESC LIMIT \$4\) t WHERE search @@ .*\$3.* ORDER BY t\.date DESC, t\.id DESC LIMIT \$5$/,
    );
    expect(sql?.values).toEqual([TENANT, 'm2', "'groc':*", 4000, 51]);
    expect(buildSearchQuery(TENANT, query({ member: 'm2' }), 4000)).toBeNull();
    expect(buildSearchQuery(TENANT, query({ q: '--' }), 4000)).toBeNull();
  });

  it('ignores a q without words', () => {
    expect(buildSearchQuery(TENANT, query({ q: ' -!- ' })).text).not.toContain('to_tsquery');
  });

  it('turns words into prefix terms that cannot carry tsquery syntax', () => {
    expect(tsQueryOf('GROCERIES')).toBe("'groceries':*");
    expect(tsQueryOf("l'Épicerie & (bar | !x) :*")).toBe("'l':* & 'epicerie':* & 'bar':* & 'x':*");
    expect(tsQueryOf('Zürich 2026')).toBe("'zurich':* & '2026':*");
    expect(tsQueryOf('')).toBeNull();
  });
});

describe('search query validation', () => {
  const errors = (input: Record<string, unknown>) => {
    const result = transactionSearchQuerySchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message]);
  };

  it('accepts dates and months for the range, months spanning their days', () => {
    expect(query({ from: '2024-02', to: '2024-02' })).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(query({ from: '2024-02-10', to: '2024-02-11' })).toMatchObject({ from: '2024-02-10', to: '2024-02-11' });
  });

  it.each([
    [{ from: '2024-13' }, 'from'],
    [{ to: '2024-02-30' }, 'to'],
    [{ from: '2024-03', to: '2024-02' }, 'to'],
    [{ category: '' }, 'category'],
    [{ subcategory: 'x'.repeat(101) }, 'subcategory'],
    [{ member: 'not a member id' }, 'member'],
    [{ expenseType: 'fixed' }, 'expenseType'],
    [{ q: 'a b c d e f g h i' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ minAmount: '1.234' }, 'minAmount'],
    [{ maxAmount: '1e5' }, 'maxAmount'],
    [{ minAmount: '2000000000' }, 'minAmount'],
    [{ minAmount: '10', maxAmount: '9.99' }, 'maxAmount'],
    [{ excluded: 'yes' }, 'excluded'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ category: ['a', 'b'] }, 'category'],
  ])('refuses %j naming %s', (input, field) => {
    expect(errors(input).map(([path]) => path)).toEqual([field]);
  });

  it('lists every bad field at once', () => {
    expect(errors({ from: 'x', limit: '0', cursor: '??' }).map(([path]) => path)).toEqual(['from', 'limit', 'cursor']);
  });
});
