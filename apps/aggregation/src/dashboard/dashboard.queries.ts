import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CategoryRollup, MonthRollup } from './figures';

interface CategoryDbRow {
  category: string;
  subcategory: string;
  expense_type: 'FIXED' | 'VARIABLE';
  count: number;
  total_cents: string;
  min_cents: string | null;
  max_cents: string | null;
}

interface MonthDbRow {
  month: string;
  count: number;
  total_cents: string;
  fixed_cents: string;
  excluded_count: number;
}

const toCategory = (r: CategoryDbRow): CategoryRollup => ({
  category: r.category,
  subcategory: r.subcategory,
  expenseType: r.expense_type,
  count: r.count,
  total: BigInt(r.total_cents),
  min: r.min_cents === null ? null : BigInt(r.min_cents),
  max: r.max_cents === null ? null : BigInt(r.max_cents),
});

const toMonth = (r: MonthDbRow): MonthRollup => ({
  count: r.count,
  total: BigInt(r.total_cents),
  fixed: BigInt(r.fixed_cents),
  excludedCount: r.excluded_count,
});

/** Reads for the dashboards from the rollups (rows themselves are ingestion's). */
@Injectable()
export class DashboardQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Everything the summary reads from rollups, in one statement: a single
   * statement sees one snapshot, so the three parts always agree, and it costs
   * one round trip instead of a REPEATABLE READ transaction's six.
   */
  async summaryRollups(
    tenantId: string,
    month: string,
  ): Promise<{ categories: CategoryRollup[]; month: MonthRollup | null; paid: Map<string, bigint> }> {
    const rows: { categories: CategoryDbRow[] | null; month: MonthDbRow | null; paid: { member: string; total_cents: string }[] | null }[] =
      await this.db.query(
        `SELECT (SELECT json_agg(json_build_object('category', category, 'subcategory', subcategory, 'expense_type', expense_type,
                                                   'count', count, 'total_cents', total_cents::text,
                                                   'min_cents', min_cents::text, 'max_cents', max_cents::text))
                   FROM aggregation.category_rollups WHERE tenant_id = $1 AND month = $2) AS categories,
                (SELECT json_build_object('month', month, 'count', count, 'total_cents', total_cents::text,
                                          'fixed_cents', fixed_cents::text, 'excluded_count', excluded_count)
                   FROM aggregation.month_rollups WHERE tenant_id = $1 AND month = $2) AS month,
                (SELECT json_agg(json_build_object('member', member, 'total_cents', total_cents::text))
                   FROM aggregation.member_rollups WHERE tenant_id = $1 AND month = $2) AS paid`,
        [tenantId, month],
      );
    const row = rows[0];
    return {
      categories: (row?.categories ?? []).map(toCategory),
      month: row?.month ? toMonth(row.month) : null,
      paid: new Map((row?.paid ?? []).map((r) => [r.member, BigInt(r.total_cents)])),
    };
  }

  /** Category rollups of the month: the household's, or one member's (the per-member rollups). */
  async categories(
    tenantId: string,
    month: string,
    filter: { expenseType?: string | undefined; category?: string | undefined; member?: string | undefined } = {},
  ): Promise<CategoryRollup[]> {
    const member = filter.member ?? null;
    const rows: CategoryDbRow[] = await this.db.query(
      `SELECT category, subcategory, expense_type, count, total_cents, min_cents, max_cents
         FROM ${member === null ? 'aggregation.category_rollups' : 'aggregation.member_category_rollups'}
        WHERE tenant_id = $1 AND month = $2
          AND ($3::text IS NULL OR expense_type = $3) AND ($4::text IS NULL OR category = $4)
          ${member === null ? '' : 'AND member = $5'}`,
      [tenantId, month, filter.expenseType ?? null, filter.category ?? null, ...(member === null ? [] : [member])],
    );
    return rows.map(toCategory);
  }

  /** Month totals: the household's from the month rollups, or one member's from the per-member rollups. */
  async months(tenantId: string, from: string, to: string, member?: string): Promise<Map<string, MonthRollup>> {
    if (member !== undefined) return this.categoryMonths(tenantId, from, to, { member });
    const rows: MonthDbRow[] = await this.db.query(
      `SELECT month, count, total_cents, fixed_cents, excluded_count
         FROM aggregation.month_rollups WHERE tenant_id = $1 AND month BETWEEN $2 AND $3`,
      [tenantId, from, to],
    );
    return new Map(rows.map((r) => [r.month, toMonth(r)]));
  }

  /** Month totals summed from category rollups: of one category, of one member, or both. */
  async categoryMonths(
    tenantId: string,
    from: string,
    to: string,
    filter: { category?: string | undefined; member?: string | undefined },
  ): Promise<Map<string, MonthRollup>> {
    const member = filter.member ?? null;
    const rows: MonthDbRow[] = await this.db.query(
      `SELECT month, sum(count)::int AS count, sum(total_cents)::text AS total_cents,
              coalesce(sum(total_cents) FILTER (WHERE expense_type = 'FIXED'), 0)::text AS fixed_cents, 0 AS excluded_count
         FROM ${member === null ? 'aggregation.category_rollups' : 'aggregation.member_category_rollups'}
        WHERE tenant_id = $1 AND month BETWEEN $2 AND $3 AND ($4::text IS NULL OR category = $4)
          ${member === null ? '' : 'AND member = $5'}
        GROUP BY month`,
      [tenantId, from, to, filter.category ?? null, ...(member === null ? [] : [member])],
    );
    return new Map(rows.map((r) => [r.month, toMonth(r)]));
  }
}
