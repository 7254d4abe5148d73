import { z } from 'zod';
import { cursorString } from '../common/cursor';
import { monthString } from '../common/primitives';
import { textField } from '../common/text';
import { whenValid } from '../common/validation';
import { memberIdSchema } from '../tenant/tenant-config.schema';
import type { BudgetStatus } from '../budget/budget-limits.schema';
import { EXPENSE_TYPES, type Transaction } from '../transactions/transaction.schema';

/** Query strings of the dashboard routes (validated at the gateway and again on receipt). */

export const MAX_TREND_MONTHS = 120;
export const DRILL_DOWN_LIMIT = { default: 50, max: 500 } as const;

export const monthQuerySchema = z.object({ month: monthString });

/** `member=` on a view: only that member's transactions (an id the tenant does not have is a 422 from the owner of the figures). */
export const memberFilter = memberIdSchema.optional();

/** Stats take a member; the summary does not (it already splits by member). */
export const statsQuerySchema = z.object({ month: monthString, member: memberFilter });

export const breakdownQuerySchema = z.object({
  month: monthString,
  expenseType: z.enum(EXPENSE_TYPES, { error: 'must be FIXED or VARIABLE' }).optional(),
  member: memberFilter,
});

/** A category as a query value or a path segment (drill-down). */
export const categoryParamSchema = textField({ min: 1, max: 100 });
const categorySchema = categoryParamSchema;

export const drillDownQuerySchema = z.object({
  month: monthString,
  level: z.enum(['subcategories', 'transactions'], { error: 'must be subcategories or transactions' }).default('subcategories'),
  subcategory: textField({ max: 100 }).optional(),
  member: memberFilter,
  limit: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: `must be between 1 and ${DRILL_DOWN_LIMIT.max}` })
    .max(DRILL_DOWN_LIMIT.max, { error: `must be between 1 and ${DRILL_DOWN_LIMIT.max}` })
    .default(DRILL_DOWN_LIMIT.default),
  cursor: cursorString.optional(),
});

/** Months from `from` to `to` inclusive. */
export function monthSpan(from: string, to: string): number {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  return index(to) - index(from) + 1;
}

/** `to` not before `from`, and at most MAX_TREND_MONTHS months in between. */
export function checkMonthRange(range: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const span = monthSpan(range.from, range.to);
  if (span < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (span > MAX_TREND_MONTHS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the range spans at most ${MAX_TREND_MONTHS} months` });
}

export const trendsQuerySchema = z
  .object({ from: monthString, to: monthString, category: categorySchema.optional(), member: memberFilter })
  .superRefine(checkMonthRange, whenValid({ from: monthString, to: monthString }));

export type StatsQuery = z.output<typeof statsQuerySchema>;
export type BreakdownQuery = z.output<typeof breakdownQuerySchema>;
export type DrillDownQuery = z.output<typeof drillDownQuerySchema>;
export type TrendsQuery = z.output<typeof trendsQuerySchema>;

export interface AmountStats {
  count: number;
  total: string;
  avg: string;
  min: string;
  max: string;
  share: string;
}

export interface Summary {
  month: string;
  currency: string;
  expenses: { total: string; fixed: string; variable: string; count: number; excludedCount: number };
  fixedPlanned: string;
  provisions: { total: string; count: number };
  revenue: { gross: string; net: string };
  members: { id: string; name: string; net: string; share: string; contribution: string; paid: string; toTransfer: string }[];
  topCategories: { category: string; total: string; share: string }[];
  /** One row per budgeted category, by category. */
  budgets: BudgetStatus[];
}

export interface Breakdown {
  month: string;
  expenseType: 'FIXED' | 'VARIABLE' | null;
  total: string;
  categories: (AmountStats & { category: string })[];
}

export interface SubcategoryDrillDown {
  month: string;
  category: string;
  level: 'subcategories';
  total: string;
  subcategories: (AmountStats & { subcategory: string })[];
}

/** A transaction in a drill-down: as the API shows it, without the exclusion flag (excluded rows are not listed). */
export type DrillDownItem = Omit<Transaction, 'exclude'>;

export interface TransactionDrillDown {
  month: string;
  category: string;
  level: 'transactions';
  items: DrillDownItem[];
  nextCursor: string | null;
}

export interface Trends {
  from: string;
  to: string;
  category: string | null;
  months: { month: string; total: string; fixed: string; variable: string; count: number }[];
}

export interface Stats {
  month: string;
  total: string;
  previousTotal: string;
  change: string | null;
  dailyAverage: string;
  count: number;
  largestExpense: { id: string; date: string; label: string | null; amount: string; category: string } | null;
}

export interface RefreshResult {
  month: string;
  rowsRead: number;
  keys: number;
  durationMs: number;
}

/** The views `GET /v1/dashboard?views=` can put in one answer, in the order they are listed there by default. */
export const DASHBOARD_VIEWS = ['summary', 'breakdown', 'stats', 'trends'] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

const VIEWS_ERROR = `must be a comma-separated list of ${DASHBOARD_VIEWS.join(', ')}, each at most once`;

export const dashboardViewsQuerySchema = z.object({
  month: monthString,
  views: z
    .string({ error: VIEWS_ERROR })
    .max(200, { error: VIEWS_ERROR })
    .transform((text, ctx) => {
      const views = text.split(',').map((v) => v.trim());
      const valid = views.every((v): v is DashboardView => (DASHBOARD_VIEWS as readonly string[]).includes(v));
      if (!valid || new Set(views).size !== views.length) {
        ctx.addIssue({ code: 'custom', message: VIEWS_ERROR });
        return z.NEVER;
      }
      return views;
    })
    .default([...DASHBOARD_VIEWS]),
});
export type DashboardViewsQuery = z.output<typeof dashboardViewsQuerySchema>;
