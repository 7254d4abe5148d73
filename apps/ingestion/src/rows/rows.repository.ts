import type { DrillDownItem, MonthSource, Stats, Transaction } from '@ledgerline/contracts';
import { transactionAt, withLongStatements } from '@ledgerline/database';
import { formatMoney } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { toTransaction } from '../transactions/transaction-row';
import { fromDb, TRANSACTION_COLUMNS, type DbRow } from '../transactions/transactions.repository';
import type { DataSource } from 'typeorm';

/** Folding a whole month of a big tenant reads every row of it: far more than a request's statement bound. */
const MONTH_SOURCE_TIMEOUT_MS = 120_000;

interface RollupKey {
  month: string;
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
}

/** Row-level reads other services need, answered here because ingestion owns the rows. */
@Injectable()
export class RowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The month folded at every rollup grain, in one REPEATABLE READ snapshot
   * with the tenant's version: exactly the changes up to that version are in it.
   */
  monthSource(tenantId: string, month: string): Promise<MonthSource> {
    return transactionAt(this.db, 'REPEATABLE READ', (em) =>
      withLongStatements(em, MONTH_SOURCE_TIMEOUT_MS, async () => {
        const [position] = (await em.query('SELECT version::text FROM ingestion.tenant_versions WHERE tenant_id = $1', [tenantId])) as {
          version: string;
        }[];
        const [row] = (await em.query(
          `SELECT
           (SELECT json_agg(json_build_object('category', category, 'subcategory', subcategory, 'expenseType', expense_type,
                   'count', n, 'totalCents', total::text, 'minCents', lo::text, 'maxCents', hi::text))
              FROM (SELECT category, subcategory, expense_type, count(*) AS n, sum(amount_cents) AS total,
                           min(amount_cents) AS lo, max(amount_cents) AS hi
                      FROM ingestion.transactions WHERE tenant_id = $1 AND month = $2 AND NOT exclude
                     GROUP BY 1, 2, 3) c) AS categories,
           (SELECT json_agg(json_build_object('member', member, 'count', n, 'totalCents', total::text))
              FROM (SELECT member, count(*) AS n, sum(amount_cents) AS total
                      FROM ingestion.transactions WHERE tenant_id = $1 AND month = $2 AND NOT exclude AND member IS NOT NULL
                     GROUP BY 1) m) AS members,
           (SELECT json_agg(json_build_object('member', member, 'category', category, 'subcategory', subcategory,
                   'expenseType', expense_type, 'count', n, 'totalCents', total::text, 'minCents', lo::text, 'maxCents', hi::text))
              FROM (SELECT member, category, subcategory, expense_type, count(*) AS n, sum(amount_cents) AS total,
                           min(amount_cents) AS lo, max(amount_cents) AS hi
                      FROM ingestion.transactions WHERE tenant_id = $1 AND month = $2 AND NOT exclude AND member IS NOT NULL
                     GROUP BY 1, 2, 3, 4) mc) AS member_categories,
           (SELECT json_build_object('count', count(*) FILTER (WHERE NOT exclude),
                   'totalCents', coalesce(sum(amount_cents) FILTER (WHERE NOT exclude), 0)::text,
                   'fixedCents', coalesce(sum(amount_cents) FILTER (WHERE NOT exclude AND expense_type = 'FIXED'), 0)::text,
                   'excludedCount', count(*) FILTER (WHERE exclude), 'rows', count(*))
              FROM ingestion.transactions WHERE tenant_id = $1 AND month = $2) AS totals`,
          [tenantId, month],
        )) as {
          categories: MonthSource['categories'] | null;
          members: MonthSource['members'] | null;
          member_categories: MonthSource['memberCategories'] | null;
          totals: MonthSource['totals'];
        }[];
        return {
          version: position?.version ?? '0',
          categories: row?.categories ?? [],
          members: row?.members ?? [],
          memberCategories: row?.member_categories ?? [],
          totals: row?.totals && row.totals.rows > 0 ? row.totals : null,
        };
      }),
    );
  }

  async keyExtremes(
    tenantId: string,
    keys: readonly RollupKey[],
  ): Promise<(RollupKey & { minCents: string | null; maxCents: string | null })[]> {
    return (await this.db.query(
      `SELECT k.month, k.category, k.subcategory, k.expense_type AS "expenseType",
              min(t.amount_cents)::text AS "minCents", max(t.amount_cents)::text AS "maxCents"
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS k(month, category, subcategory, expense_type)
         LEFT JOIN ingestion.transactions t
           ON t.tenant_id = $1 AND t.month = k.month AND t.category = k.category
          AND t.subcategory = k.subcategory AND t.expense_type = k.expense_type AND NOT t.exclude
        GROUP BY 1, 2, 3, 4`,
      [tenantId, keys.map((k) => k.month), keys.map((k) => k.category), keys.map((k) => k.subcategory), keys.map((k) => k.expenseType)],
    )) as (RollupKey & { minCents: string | null; maxCents: string | null })[];
  }

  async memberKeyExtremes(
    tenantId: string,
    keys: readonly (RollupKey & { member: string })[],
  ): Promise<(RollupKey & { member: string; minCents: string | null; maxCents: string | null })[]> {
    return (await this.db.query(
      `SELECT k.month, k.category, k.subcategory, k.expense_type AS "expenseType", k.member,
              min(t.amount_cents)::text AS "minCents", max(t.amount_cents)::text AS "maxCents"
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS k(month, category, subcategory, expense_type, member)
         LEFT JOIN ingestion.transactions t
           ON t.tenant_id = $1 AND t.month = k.month AND t.category = k.category
          AND t.subcategory = k.subcategory AND t.expense_type = k.expense_type AND t.member = k.member AND NOT t.exclude
        GROUP BY 1, 2, 3, 4, 5`,
      [
        tenantId,
        keys.map((k) => k.month),
        keys.map((k) => k.category),
        keys.map((k) => k.subcategory),
        keys.map((k) => k.expenseType),
        keys.map((k) => k.member),
      ],
    )) as (RollupKey & { member: string; minCents: string | null; maxCents: string | null })[];
  }

  /** Newest first by (date, id), strictly after the cursor position. */
  async drillRows(
    tenantId: string,
    query: {
      month: string;
      category: string;
      subcategory?: string | undefined;
      member?: string | undefined;
      limit: number;
      after: { date: string; id: string } | null;
    },
  ): Promise<{ items: DrillDownItem[]; next: { date: string; id: string } | null }> {
    const rows: DbRow[] = await this.db.query(
      `SELECT ${TRANSACTION_COLUMNS}
         FROM ingestion.transactions t
        WHERE tenant_id = $1 AND month = $2 AND category = $3 AND NOT exclude
          AND ($4::text IS NULL OR subcategory = $4)
          AND ($5::date IS NULL OR (date, id) < ($5::date, $6::uuid))
          AND ($8::text IS NULL OR member = $8)
        ORDER BY t.date DESC, t.id DESC -- the column, not the selected text: the drill index gives this order
        LIMIT $7`,
      [
        tenantId,
        query.month,
        query.category,
        query.subcategory ?? null,
        query.after?.date ?? null,
        query.after?.id ?? null,
        query.limit + 1,
        query.member ?? null,
      ],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      // Drill-down rows are non-excluded ones: the flag is left out.
      items: page.map((r) => {
        const { exclude: _excluded, ...item } = toTransaction(fromDb(r));
        return item;
      }),
      next: rows.length > query.limit && last ? { date: last.date, id: last.id } : null,
    };
  }

  async largestExpense(tenantId: string, month: string, member?: string): Promise<Stats['largestExpense']> {
    const rows: { id: string; date: string; label: string | null; amount_cents: string; category: string }[] = await this.db.query(
      `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, label, amount_cents, category
         FROM ingestion.transactions
        WHERE tenant_id = $1 AND month = $2 AND NOT exclude AND amount_cents > 0 AND ($3::text IS NULL OR member = $3)
        ORDER BY amount_cents DESC, date DESC, id DESC LIMIT 1`,
      [tenantId, month, member ?? null],
    );
    const row = rows[0];
    return row
      ? { id: row.id, date: row.date, label: row.label, amount: formatMoney(BigInt(row.amount_cents)), category: row.category }
      : null;
  }

  async exportRows(
    tenantId: string,
    query: { from: string; to: string; after: { month: string; date: string; id: string } | null; limit: number },
  ): Promise<Transaction[]> {
    const rows: DbRow[] = await this.db.query(
      `SELECT ${TRANSACTION_COLUMNS}
         FROM ingestion.transactions
        WHERE tenant_id = $1 AND month BETWEEN $2 AND $3
          AND ($4::text IS NULL OR (month, date, id) > ($4::text, $5::date, $6::uuid))
        ORDER BY month, date, id
        LIMIT $7`,
      [tenantId, query.from, query.to, query.after?.month ?? null, query.after?.date ?? null, query.after?.id ?? null, query.limit],
    );
    return rows.map((r) => toTransaction(fromDb(r)));
  }

  async months(tenantId: string): Promise<string[]> {
    const rows = (await this.db.query('SELECT DISTINCT month FROM ingestion.transactions WHERE tenant_id = $1 ORDER BY 1', [tenantId])) as {
      month: string;
    }[];
    return rows.map((r) => r.month);
  }
}
