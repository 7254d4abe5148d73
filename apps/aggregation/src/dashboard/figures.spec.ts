import type { MonthPlan } from '@ledgerline/contracts';
import { monthsBetween, previousMonth } from '@ledgerline/contracts';
import { daysInMonth, groupRows, statsOf, summaryOf, trendsOf, type CategoryRollup } from './figures';

const rollup = (category: string, total: bigint, extra: Partial<CategoryRollup> = {}): CategoryRollup => ({
  category,
  subcategory: 'Other',
  expenseType: 'VARIABLE',
  count: 1,
  total,
  min: total,
  max: total,
  ...extra,
});

const plan: MonthPlan = {
  month: '2026-10',
  currency: 'EUR',
  revenue: { gross: '7000.00', net: '5558.00' },
  fixedPlanned: '45.00',
  fixedCount: 1,
  provisions: { total: '277.90', count: 1 },
  householdWeights: ['327600', '228200'],
  members: [
    { id: 'm1', name: 'Alex', gross: '4200.00', net: '3276.00', share: '0.5894', fixed: '22.50', provisions: '163.80' },
    { id: 'm2', name: 'Sam', gross: '2800.00', net: '2282.00', share: '0.4106', fixed: '22.50', provisions: '114.10' },
  ],
};

describe('dashboard figures', () => {
  it('orders groups by total descending, then name ascending by code point', () => {
    const groups = groupRows(
      [rollup('b', 100n), rollup('a', 100n), rollup('Z', 100n), rollup('c', 300n), rollup('a', -1n, { min: -1n, max: -1n })],
      (r) => r.category,
    );
    expect(groups.map((g) => [g.key, g.total, g.count, g.min, g.max])).toEqual([
      ['c', 300n, 1, 300n, 300n],
      ['Z', 100n, 1, 100n, 100n],
      ['b', 100n, 1, 100n, 100n],
      ['a', 99n, 2, -1n, 100n],
    ]);
  });

  it('composes member contributions from the plan and the variable spend split by household weights', () => {
    const categories = [rollup('Rent', 80_000n, { expenseType: 'FIXED' }), rollup('Groceries', 21_835n)];
    const summary = summaryOf(plan, categories, { count: 2, total: 101_835n, fixed: 80_000n, excludedCount: 4 }, new Map([['m2', 502n]]));
    expect(summary.expenses).toEqual({ total: '1018.35', fixed: '800.00', variable: '218.35', count: 2, excludedCount: 4 });
    expect(summary.members).toEqual([
      { id: 'm1', name: 'Alex', net: '3276.00', share: '0.5894', contribution: '315.00', paid: '0.00', toTransfer: '315.00' },
      { id: 'm2', name: 'Sam', net: '2282.00', share: '0.4106', contribution: '226.25', paid: '5.02', toTransfer: '221.23' },
    ]);
  });

  it('keeps at most five top categories', () => {
    const categories = ['a', 'b', 'c', 'd', 'e', 'f'].map((c, i) => rollup(c, BigInt(100 * (i + 1))));
    const summary = summaryOf(plan, categories, { count: 6, total: 2_100n, fixed: 0n, excludedCount: 0 }, new Map());
    expect(summary.topCategories.map((c) => [c.category, c.share])).toEqual([
      ['f', '0.2857'],
      ['e', '0.2381'],
      ['d', '0.1905'],
      ['c', '0.1429'],
      ['b', '0.0952'],
    ]);
  });

  it('fills trend months with zeros across a year boundary', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    const trends = trendsOf('2025-12', '2026-01', null, new Map([['2026-01', { count: 2, total: 500n, fixed: 200n, excludedCount: 0 }]]));
    expect(trends.months).toEqual([
      { month: '2025-12', total: '0.00', fixed: '0.00', variable: '0.00', count: 0 },
      { month: '2026-01', total: '5.00', fixed: '2.00', variable: '3.00', count: 2 },
    ]);
  });

  it('computes change, daily average over the days of the month, and null change after an empty month', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect([daysInMonth('2024-02'), daysInMonth('2026-02'), daysInMonth('2026-04')]).toEqual([29, 28, 30]);
    const month = (total: bigint) => ({ count: 1, total, fixed: 0n, excludedCount: 0 });
    expect(statsOf('2026-02', month(10_000n), month(8_000n), null)).toEqual({
      month: '2026-02',
      total: '100.00',
      previousTotal: '80.00',
      change: '25.00',
      dailyAverage: '3.57',
      count: 1,
      largestExpense: null,
    });
    expect(statsOf('2026-02', month(10_000n), month(0n), null).change).toBeNull();
    expect(statsOf('2026-02', month(-1_000n), month(3_000n), null).change).toBe('-133.33');
  });
});
