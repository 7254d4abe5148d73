import {
  AppError,
  decodeCursor,
  encodeCursor,
  getDrillRows,
  getLargestExpense,
  previousMonth,
  type Breakdown,
  type BreakdownQuery,
  type DrillDownQuery,
  type Stats,
  type StatsQuery,
  type SubcategoryDrillDown,
  type Summary,
  type TransactionDrillDown,
  type Trends,
  type TrendsQuery,
} from '@ledgerline/contracts';
import { NatsBus, TenantMembers } from '@ledgerline/messaging';
import { formatMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { BudgetsService } from '../notifications/budgets.service';
import { DashboardQueries } from './dashboard.queries';
import { MonthPlans } from './month-plans';
import { amountStats, EMPTY_MONTH, groupRows, statsOf, summaryOf, sumTotals, trendsOf } from './figures';

@Injectable()
export class DashboardService {
  constructor(
    private readonly queries: DashboardQueries,
    private readonly bus: NatsBus,
    private readonly budgets: BudgetsService,
    private readonly members: TenantMembers,
    private readonly plans: MonthPlans,
  ) {}

  /** A member the tenant does not have is a mistake to name, not a view of zeros. */
  private async checkMember(tenantId: string, member: string | undefined): Promise<void> {
    if (member === undefined || (await this.members.of(tenantId)).has(member)) return;
    throw new AppError('validation-failed', 'The query has invalid fields.', [
      { field: 'member', message: 'is not a member of the tenant' },
    ]);
  }

  async summary(tenantId: string, month: string): Promise<Summary> {
    const [plan, rollups] = await Promise.all([
      this.plans.get(tenantId, month),
      this.queries.summaryRollups(tenantId, month),
    ]);
    const totals = new Map(groupRows(rollups.categories, (r) => r.category).map((g) => [g.key, g.total]));
    const budgets = await this.budgets.statuses(tenantId, totals);
    return { ...summaryOf(plan, rollups.categories, rollups.month ?? EMPTY_MONTH, rollups.paid), budgets };
  }

  async breakdown(tenantId: string, query: BreakdownQuery): Promise<Breakdown> {
    await this.checkMember(tenantId, query.member);
    const rollups = await this.queries.categories(tenantId, query.month, { expenseType: query.expenseType, member: query.member });
    const groups = groupRows(rollups, (r) => r.category);
    const total = sumTotals(groups);
    return {
      month: query.month,
      expenseType: query.expenseType ?? null,
      total: formatMoney(total),
      categories: groups.map((g) => ({ category: g.key, ...amountStats(g, total) })),
    };
  }

  async drillDown(tenantId: string, category: string, query: DrillDownQuery): Promise<SubcategoryDrillDown | TransactionDrillDown> {
    await this.checkMember(tenantId, query.member);
    if (query.level === 'transactions') {
      // The rows themselves are ingestion's: it pages them.
      const page = await this.bus.request(getDrillRows, {
        tenantId,
        month: query.month,
        category,
        subcategory: query.subcategory,
        member: query.member,
        limit: query.limit,
        after: decodeCursor(query.cursor),
      });
      return { month: query.month, category, level: 'transactions', items: page.items, nextCursor: page.next && encodeCursor(page.next) };
    }
    const groups = groupRows(
      await this.queries.categories(tenantId, query.month, { category, member: query.member }),
      (r) => r.subcategory,
    );
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
    await this.checkMember(tenantId, query.member);
    const byMonth = query.category
      ? await this.queries.categoryMonths(tenantId, query.from, query.to, { category: query.category, member: query.member })
      : await this.queries.months(tenantId, query.from, query.to, query.member);
    return trendsOf(query.from, query.to, query.category ?? null, byMonth);
  }

  async stats(tenantId: string, { month, member }: StatsQuery): Promise<Stats> {
    await this.checkMember(tenantId, member);
    const previous = previousMonth(month);
    const [months, largest] = await Promise.all([
      this.queries.months(tenantId, previous, month, member),
      this.bus.request(getLargestExpense, { tenantId, month, member }),
    ]);
    return statsOf(month, months.get(month) ?? EMPTY_MONTH, months.get(previous) ?? EMPTY_MONTH, largest);
  }
}
