import { computeDeltas, monthsOf } from './deltas';
import type { TransactionRow } from './transaction-row';

let seq = 0;
const row = (amountCents: bigint, extra: Partial<TransactionRow> = {}): TransactionRow => ({
  id: `id-${++seq}`,
  externalId: null,
  date: '2026-10-05',
  month: '2026-10',
  label: null,
  amountCents,
  category: 'Groceries',
  subcategory: 'Other',
  expenseType: 'VARIABLE',
  member: null,
  exclude: false,
  ...extra,
});

describe('computeDeltas', () => {
  it('pre-aggregates added rows per key with count, sum, min and max', () => {
    const deltas = computeDeltas([row(1250n), row(-499n), row(12000n), row(500n, { category: 'Rent', expenseType: 'FIXED' })]);
    expect(deltas).toEqual([
      expect.objectContaining({
        category: 'Groceries',
        addedCount: 3,
        addedCents: '12751',
        addedMinCents: '-499',
        addedMaxCents: '12000',
        removedCount: 0,
        removedCents: '0',
      }),
      expect.objectContaining({
        category: 'Rent',
        expenseType: 'FIXED',
        addedCount: 1,
        addedCents: '500',
        addedMinCents: '500',
        addedMaxCents: '500',
      }),
    ]);
  });

  it('keeps excluded rows, members, subcategories and budget months apart', () => {
    const deltas = computeDeltas([
      row(100n),
      row(100n, { exclude: true }),
      row(100n, { member: 'm1' }),
      row(100n, { subcategory: 'Bakery' }),
      row(100n, { month: '2026-09', date: '2026-10-01' }),
    ]);
    expect(deltas).toHaveLength(5);
    expect(monthsOf(deltas)).toEqual(['2026-09', '2026-10']);
  });

  it('describes a patch as the before-image removed and the after-image added', () => {
    const before = row(2000n, { category: 'Groceries' });
    const after = { ...before, category: 'Dining' };
    const deltas = computeDeltas([after], [before]);
    expect(deltas).toEqual([
      expect.objectContaining({ category: 'Dining', addedCount: 1, addedCents: '2000', removedCount: 0 }),
      expect.objectContaining({
        category: 'Groceries',
        addedCount: 0,
        addedCents: '0',
        addedMinCents: null,
        addedMaxCents: null,
        removedCount: 1,
        removedCents: '2000',
      }),
    ]);
  });

  it('sums exactly beyond 2^53 cents', () => {
    const big = 100_000_000_000n;
    const deltas = computeDeltas(Array.from({ length: 100_000 }, () => row(big)));
    expect(deltas[0]?.addedCents).toBe('10000000000000000');
  });
});
