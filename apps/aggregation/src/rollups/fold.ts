import type { TransactionDelta } from '@ledgerline/contracts';

/**
 * Pre-aggregates one change's deltas in memory, per rollup key, so the
 * database sees one upsert per key and table — never one statement per row.
 * Excluded rows only move the month's excluded count.
 */

export interface CategoryChange {
  month: string;
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
  count: number;
  cents: bigint;
  addedMin: bigint | null;
  addedMax: bigint | null;
  /** Rows left this key: its min/max must be recomputed from the raw rows. */
  lostRows: boolean;
}

/** A category change of one member's rows (the per-member rollups). */
export interface MemberCategoryChange extends CategoryChange {
  member: string;
}

export interface MemberChange {
  month: string;
  member: string;
  count: number;
  cents: bigint;
}

export interface MonthChange {
  month: string;
  count: number;
  cents: bigint;
  fixedCents: bigint;
  excludedCount: number;
}

export interface FoldedChange {
  categories: CategoryChange[];
  memberCategories: MemberCategoryChange[];
  members: MemberChange[];
  months: MonthChange[];
}

const minOf = (a: bigint | null, b: bigint | null) => (a === null ? b : b === null ? a : a < b ? a : b);
const maxOf = (a: bigint | null, b: bigint | null) => (a === null ? b : b === null ? a : a > b ? a : b);
const nullable = (text: string | null) => (text === null ? null : BigInt(text));

export function foldDeltas(deltas: readonly TransactionDelta[], months: ReadonlySet<string>): FoldedChange {
  const categories = new Map<string, CategoryChange>();
  const memberCategories = new Map<string, MemberCategoryChange>();
  const members = new Map<string, MemberChange>();
  const monthly = new Map<string, MonthChange>();
  for (const d of deltas) {
    if (!months.has(d.month)) continue;
    const count = d.addedCount - d.removedCount;
    const cents = BigInt(d.addedCents) - BigInt(d.removedCents);
    const month = monthly.get(d.month) ?? { month: d.month, count: 0, cents: 0n, fixedCents: 0n, excludedCount: 0 };
    monthly.set(d.month, month);
    if (d.excluded) {
      month.excludedCount += count;
      continue;
    }
    month.count += count;
    month.cents += cents;
    if (d.expenseType === 'FIXED') month.fixedCents += cents;

    const key = JSON.stringify([d.month, d.category, d.subcategory, d.expenseType]);
    const category = categories.get(key) ?? emptyCategoryChange(d);
    categories.set(key, category);
    addTo(category, d, count, cents);

    if (d.member !== null) {
      const memberCategoryKey = JSON.stringify([d.member, d.month, d.category, d.subcategory, d.expenseType]);
      const memberCategory = memberCategories.get(memberCategoryKey) ?? { ...emptyCategoryChange(d), member: d.member };
      memberCategories.set(memberCategoryKey, memberCategory);
      addTo(memberCategory, d, count, cents);

      const memberKey = JSON.stringify([d.month, d.member]);
      const member = members.get(memberKey) ?? { month: d.month, member: d.member, count: 0, cents: 0n };
      members.set(memberKey, member);
      member.count += count;
      member.cents += cents;
    }
  }
  // Sorted so concurrent changes lock rows in the same order (no deadlocks).
  const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { categories: byKey(categories), memberCategories: byKey(memberCategories), members: byKey(members), months: byKey(monthly) };
}

function emptyCategoryChange(d: TransactionDelta): CategoryChange {
  return {
    month: d.month,
    category: d.category,
    subcategory: d.subcategory,
    expenseType: d.expenseType,
    count: 0,
    cents: 0n,
    addedMin: null,
    addedMax: null,
    lostRows: false,
  };
}

function addTo(change: CategoryChange, d: TransactionDelta, count: number, cents: bigint): void {
  change.count += count;
  change.cents += cents;
  change.addedMin = minOf(change.addedMin, nullable(d.addedMinCents));
  change.addedMax = maxOf(change.addedMax, nullable(d.addedMaxCents));
  change.lostRows ||= d.removedCount > 0;
}

/**
 * True when the change only adds to its keys: none loses a row, so no extremes are recomputed from the raw
 * rows and no rollup row can fall to zero — an apply of it is a set of upserts and nothing else.
 */
export function onlyAdds(change: FoldedChange): boolean {
  return (
    change.categories.every((c) => !c.lostRows && c.count >= 0) &&
    change.memberCategories.every((c) => !c.lostRows && c.count >= 0) &&
    change.members.every((m) => m.count >= 0) &&
    change.months.every((m) => m.count >= 0 && m.excludedCount >= 0)
  );
}
