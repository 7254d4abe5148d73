import type { TransactionDelta } from '@ledgerline/contracts';
import { foldDeltas, onlyAdds } from './fold';

const delta = (extra: Partial<TransactionDelta>): TransactionDelta => ({
  month: '2026-10',
  category: 'Groceries',
  subcategory: 'Other',
  expenseType: 'VARIABLE',
  member: null,
  excluded: false,
  addedCount: 0,
  addedCents: '0',
  addedMinCents: null,
  addedMaxCents: null,
  removedCount: 0,
  removedCents: '0',
  ...extra,
});

describe('folding a change into rollup keys', () => {
  it('sums deltas of one key across members and keeps the extremes of the added rows', () => {
    const folded = foldDeltas(
      [
        delta({ member: 'm1', addedCount: 2, addedCents: '1500', addedMinCents: '-499', addedMaxCents: '1999' }),
        delta({ member: 'm2', addedCount: 1, addedCents: '2500', addedMinCents: '2500', addedMaxCents: '2500' }),
      ],
      new Set(['2026-10']),
    );
    expect(folded.categories).toEqual([
      {
        month: '2026-10',
        category: 'Groceries',
        subcategory: 'Other',
        expenseType: 'VARIABLE',
        count: 3,
        cents: 4000n,
        addedMin: -499n,
        addedMax: 2500n,
        lostRows: false,
      },
    ]);
    expect(folded.memberCategories.map((c) => [c.member, c.category, c.count, c.cents, c.addedMin, c.addedMax])).toEqual([
      ['m1', 'Groceries', 2, 1500n, -499n, 1999n],
      ['m2', 'Groceries', 1, 2500n, 2500n, 2500n],
    ]);
    expect(folded.members).toEqual([
      { month: '2026-10', member: 'm1', count: 2, cents: 1500n },
      { month: '2026-10', member: 'm2', count: 1, cents: 2500n },
    ]);
    expect(folded.months).toEqual([{ month: '2026-10', count: 3, cents: 4000n, fixedCents: 0n, excludedCount: 0 }]);
  });

  it('moves a row between members: one member key loses it (extremes to recompute), the other gains it', () => {
    const folded = foldDeltas(
      [
        delta({ member: 'm1', removedCount: 1, removedCents: '800' }),
        delta({ member: 'm2', addedCount: 1, addedCents: '800', addedMinCents: '800', addedMaxCents: '800' }),
      ],
      new Set(['2026-10']),
    );
    expect(folded.categories.map((c) => [c.count, c.cents])).toEqual([[0, 0n]]);
    expect(folded.memberCategories.map((c) => [c.member, c.count, c.cents, c.lostRows])).toEqual([
      ['m1', -1, -800n, true],
      ['m2', 1, 800n, false],
    ]);
  });

  it('marks keys that lost rows, nets a move between keys, and counts fixed spend', () => {
    const folded = foldDeltas(
      [
        delta({ removedCount: 1, removedCents: '800' }),
        delta({ category: 'Rent', expenseType: 'FIXED', addedCount: 1, addedCents: '800', addedMinCents: '800', addedMaxCents: '800' }),
      ],
      new Set(['2026-10']),
    );
    expect(folded.categories.map((c) => [c.category, c.count, c.cents, c.lostRows])).toEqual([
      ['Groceries', -1, -800n, true],
      ['Rent', 1, 800n, false],
    ]);
    expect(folded.months).toEqual([{ month: '2026-10', count: 0, cents: 0n, fixedCents: 800n, excludedCount: 0 }]);
  });

  it('sends excluded rows only to the excluded count, and skips months already applied', () => {
    const folded = foldDeltas(
      [
        delta({ excluded: true, member: 'm1', addedCount: 2, addedCents: '100' }),
        delta({ excluded: true, removedCount: 1, removedCents: '50' }),
        delta({ month: '2026-09', addedCount: 5, addedCents: '5' }),
      ],
      new Set(['2026-10']),
    );
    expect(folded).toEqual({
      categories: [],
      memberCategories: [],
      members: [],
      months: [{ month: '2026-10', count: 0, cents: 0n, fixedCents: 0n, excludedCount: 1 }],
    });
  });
});

describe('a change that only adds', () => {
  const months = new Set(['2026-10']);
  const added = (extra: Partial<TransactionDelta> = {}) =>
    delta({ addedCount: 1, addedCents: '-500', addedMinCents: '-500', addedMaxCents: '-500', ...extra });

  it('is new rows, with or without a member, excluded ones too', () => {
    expect(onlyAdds(foldDeltas([added(), added({ member: 'm1' }), added({ excluded: true })], months))).toBe(true);
  });

  it('is not one where a key loses a row: a delete, a move to another category, a row becoming excluded', () => {
    expect(onlyAdds(foldDeltas([delta({ removedCount: 1, removedCents: '-500' })], months))).toBe(false);
    expect(onlyAdds(foldDeltas([delta({ removedCount: 1, removedCents: '-500' }), added({ category: 'Dining' })], months))).toBe(false);
    expect(onlyAdds(foldDeltas([delta({ removedCount: 1, removedCents: '-500' }), added({ excluded: true })], months))).toBe(false);
    expect(onlyAdds(foldDeltas([delta({ excluded: true, removedCount: 1, removedCents: '-500' }), added()], months))).toBe(false);
  });
});
