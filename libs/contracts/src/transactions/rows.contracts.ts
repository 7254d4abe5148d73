import { z } from 'zod';
import { defineRequest } from '../common/contract';
import { monthString, tenantId, uuidString } from '../common/primitives';
import type { DrillDownItem, Stats } from '../dashboard/dashboard.schema';
import { EXPENSE_TYPES, type Transaction } from './transaction.schema';

/**
 * What aggregation asks ingestion (the owner of the raw rows) instead of
 * reading its tables: the services can live on separate databases.
 */

/** One month's rows folded at every rollup grain, in one snapshot with the tenant version they reflect. */
export interface MonthSource {
  version: string;
  categories: {
    category: string;
    subcategory: string;
    expenseType: (typeof EXPENSE_TYPES)[number];
    count: number;
    totalCents: string;
    minCents: string;
    maxCents: string;
  }[];
  members: { member: string; count: number; totalCents: string }[];
  /** The categories grain again, per member (rows without a member are in no member's figures). */
  memberCategories: (MonthSource['categories'][number] & { member: string })[];
  /** Null when the month has no rows at all (excluded ones included). */
  totals: { count: number; totalCents: string; fixedCents: string; excludedCount: number; rows: number } | null;
}

export const getMonthSource = defineRequest<MonthSource>()('ingestion.month-source.get.v1', z.object({ tenantId, month: monthString }));

const rollupKey = z.object({ month: monthString, category: z.string(), subcategory: z.string(), expenseType: z.enum(EXPENSE_TYPES) });

/** The current smallest and largest amount per key (keys that lost rows: extremes cannot be un-added). */
export const getKeyExtremes = defineRequest<(z.output<typeof rollupKey> & { minCents: string | null; maxCents: string | null })[]>()(
  'ingestion.key-extremes.get.v1',
  z.object({ tenantId, keys: z.array(rollupKey).min(1).max(10_000) }),
);

const memberRollupKey = rollupKey.extend({ member: z.string() });

/** Like getKeyExtremes, per member too (the per-member rollups). */
export const getMemberKeyExtremes = defineRequest<
  (z.output<typeof memberRollupKey> & { minCents: string | null; maxCents: string | null })[]
>()('ingestion.member-key-extremes.get.v1', z.object({ tenantId, keys: z.array(memberRollupKey).min(1).max(10_000) }));

/** A page of a month-category's non-excluded rows (of one member when given), newest first by (date, id), strictly after `after`. */
export const getDrillRows = defineRequest<{ items: DrillDownItem[]; next: { date: string; id: string } | null }>()(
  'ingestion.drill-rows.get.v1',
  z.object({
    tenantId,
    month: monthString,
    category: z.string(),
    subcategory: z.string().optional(),
    member: z.string().optional(),
    limit: z.number().int().min(1).max(500),
    after: z.object({ date: z.string(), id: uuidString }).nullable(),
  }),
);

/** The month's largest (positive) non-excluded expense (of one member when given); ties to the newest, then the id. */
export const getLargestExpense = defineRequest<Stats['largestExpense']>()(
  'ingestion.largest-expense.get.v1',
  z.object({ tenantId, month: monthString, member: z.string().optional() }),
);

/** The next chunk of a tenant's rows (excluded ones included) in a month range, in (month, date, id) order, strictly after `after`. */
export const getExportRows = defineRequest<Transaction[]>()(
  'ingestion.export-rows.get.v1',
  z.object({
    tenantId,
    from: monthString,
    to: monthString,
    after: z.object({ month: monthString, date: z.string(), id: uuidString }).nullable(),
    limit: z.number().int().min(1).max(5_000),
  }),
);

/** Every month the tenant has rows in. */
export const getTenantMonths = defineRequest<string[]>()('ingestion.tenant-months.get.v1', z.object({ tenantId }));
