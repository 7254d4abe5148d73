import { monthsBetween, type AmountStats, type MonthPlan, type Stats, type Summary, type Trends } from '@ledgerline/contracts';
import { allocate, average, formatMoney, formatPercentChange, formatRatio, parseMoney, type Cents } from '@ledgerline/money';

/**
 * Dashboard figures from rollup rows, as pure functions. All arithmetic and
 * rounding is libs/money's; this module only groups, orders and formats.
 */

export interface CategoryRollup {
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
  count: number;
  total: Cents;
  min: Cents | null;
  max: Cents | null;
}

export interface MonthRollup {
  count: number;
  total: Cents;
  fixed: Cents;
  excludedCount: number;
}

export const EMPTY_MONTH: MonthRollup = { count: 0, total: 0n, fixed: 0n, excludedCount: 0 };

interface Group {
  key: string;
  count: number;
  total: Cents;
  min: Cents | null;
  max: Cents | null;
}

/** Code-point order, so the order never depends on the server's locale. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Groups rollup rows by `key`, sorted by total descending, then key ascending. */
export function groupRows(rows: readonly CategoryRollup[], key: (row: CategoryRollup) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const k = key(row);
    const g = groups.get(k) ?? { key: k, count: 0, total: 0n, min: null, max: null };
    groups.set(k, g);
    g.count += row.count;
    g.total += row.total;
    if (row.min !== null && (g.min === null || row.min < g.min)) g.min = row.min;
    if (row.max !== null && (g.max === null || row.max > g.max)) g.max = row.max;
  }
  return [...groups.values()].sort((a, b) => (a.total === b.total ? byText(a.key, b.key) : a.total > b.total ? -1 : 1));
}

export function sumTotals(groups: readonly { total: Cents }[]): Cents {
  return groups.reduce((sum, g) => sum + g.total, 0n);
}

export function amountStats(group: Group, whole: Cents): AmountStats {
  return {
    count: group.count,
    total: formatMoney(group.total),
    avg: formatMoney(average(group.total, group.count)),
    min: formatMoney(group.min ?? 0n),
    max: formatMoney(group.max ?? 0n),
    share: formatRatio(group.total, whole, 4),
  };
}

const TOP_CATEGORIES = 5;

/** The month's summary but its `budgets` (the budgets module adds them). */
export function summaryOf(
  plan: MonthPlan,
  categories: readonly CategoryRollup[],
  month: MonthRollup,
  paid: ReadonlyMap<string, Cents>,
): Omit<Summary, 'budgets'> {
  const variable = month.total - month.fixed;
  const weights = plan.householdWeights.map(BigInt);
  const variableShares = weights.some((w) => w > 0n) ? allocate(variable, weights) : weights.map(() => 0n);
  const groups = groupRows(categories, (r) => r.category);
  return {
    month: plan.month,
    currency: plan.currency,
    expenses: {
      total: formatMoney(month.total),
      fixed: formatMoney(month.fixed),
      variable: formatMoney(variable),
      count: month.count,
      excludedCount: month.excludedCount,
    },
    fixedPlanned: plan.fixedPlanned,
    provisions: plan.provisions,
    revenue: plan.revenue,
    members: plan.members.map((m, i) => {
      const contribution = money(m.fixed) + money(m.provisions) + (variableShares[i] ?? 0n);
      const memberPaid = paid.get(m.id) ?? 0n;
      return {
        id: m.id,
        name: m.name,
        net: m.net,
        share: m.share,
        contribution: formatMoney(contribution),
        paid: formatMoney(memberPaid),
        toTransfer: formatMoney(contribution - memberPaid),
      };
    }),
    topCategories: groups.slice(0, TOP_CATEGORIES).map((g) => ({
      category: g.key,
      total: formatMoney(g.total),
      share: formatRatio(g.total, month.total, 4),
    })),
  };
}

export function daysInMonth(month: string): number {
  return new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
}

export function trendsOf(from: string, to: string, category: string | null, byMonth: ReadonlyMap<string, MonthRollup>): Trends {
  return {
    from,
    to,
    category,
    months: monthsBetween(from, to).map((month) => {
      const r = byMonth.get(month) ?? EMPTY_MONTH;
      return {
        month,
        total: formatMoney(r.total),
        fixed: formatMoney(r.fixed),
        variable: formatMoney(r.total - r.fixed),
        count: r.count,
      };
    }),
  };
}

export function statsOf(month: string, current: MonthRollup, previous: MonthRollup, largestExpense: Stats['largestExpense']): Stats {
  return {
    month,
    total: formatMoney(current.total),
    previousTotal: formatMoney(previous.total),
    change: formatPercentChange(current.total, previous.total),
    dailyAverage: formatMoney(average(current.total, daysInMonth(month))),
    count: current.count,
    largestExpense,
  };
}

function money(text: string): Cents {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`plan amount "${text}" is not money`);
  return parsed.value;
}
