import {
  getDrillRows,
  getLargestExpense,
  getMonthPlan,
  previousMonth,
  type Breakdown,
  type BreakdownQuery,
  type DrillDownQuery,
  type Stats,
  type SubcategoryDrillDown,
  type Summary,
  type TransactionDrillDown,
  type Trends,
  type TrendsQuery,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { formatMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { BudgetsService } from '../notifications/budgets.service';
import { decodeCursor, encodeCursor } from './cursor';
import { DashboardQueries } from './dashboard.queries';
import { amountStats, EMPTY_MONTH, groupRows, statsOf, summaryOf, sumTotals, trendsOf } from './figures';

@Injectable()
export class DashboardService {
  constructor(
    private readonly queries: DashboardQueries,
    private readonly bus: NatsBus,
    private readonly budgets: BudgetsService,
  ) {}

  async summary(tenantId: string, month: string): Promise<Summary> {
    const [plan, rollups] = await Promise.all([
      this.bus.request(getMonthPlan, { tenantId, month }),
      this.queries.summaryRollups(tenantId, month),
    ]);
    const totals = new Map(groupRows(rollups.categories, (r) => r.category).map((g) => [g.key, g.total]));
    const budgets = await this.budgets.statuses(tenantId, totals);
    return { ...summaryOf(plan, rollups.categories, rollups.month ?? EMPTY_MONTH, rollups.paid), budgets };
  }

  async breakdown(tenantId: string, query: BreakdownQuery): Promise<Breakdown> {
    const groups = groupRows(await this.queries.categories(tenantId, query.month, { expenseType: query.expenseType }), (r) => r.category);
    const total = sumTotals(groups);
    return {
      month: query.month,
      expenseType: query.expenseType ?? null,
      total: formatMoney(total),
      categories: groups.map((g) => ({ category: g.key, ...amountStats(g, total) })),
    };
  }

  async drillDown(tenantId: string, category: string, query: DrillDownQuery): Promise<SubcategoryDrillDown | TransactionDrillDown> {
    if (query.level === 'transactions') {
      // The rows themselves are ingestion's: it pages them.
      const page = await this.bus.request(getDrillRows, {
        tenantId,
        month: query.month,
        category,
        subcategory: query.subcategory,
        limit: query.limit,
        after: decodeCursor(query.cursor),
      });
      return { month: query.month, category, level: 'transactions', items: page.items, nextCursor: page.next && encodeCursor(page.next) };
    }
    const groups = groupRows(await this.queries.categories(tenantId, query.month, { category }), (r) => r.subcategory);
    const total = sumTotals(groups);
    return {
      month: query.month,
      category,
      level: 'subcategories',
      total: formatMoney(total),
      subcategories: groups.map((g) => ({ subcategory: g.key, ...amountStats(g, total) })),
    };
  }

  async trends(tenantId: string, query: TrendsQuery): Promise<Trends> {
    const byMonth = query.category
      ? await this.queries.categoryMonths(tenantId, query.from, query.to, query.category)
      : await this.queries.months(tenantId, query.from, query.to);
    return trendsOf(query.from, query.to, query.category ?? null, byMonth);
  }

  async stats(tenantId: string, month: string): Promise<Stats> {
    const previous = previousMonth(month);
    const [months, largest] = await Promise.all([
      this.queries.months(tenantId, previous, month),
      this.bus.request(getLargestExpense, { tenantId, month }),
    ]);
    return statsOf(month, months.get(month) ?? EMPTY_MONTH, months.get(previous) ?? EMPTY_MONTH, largest);
  }
}
