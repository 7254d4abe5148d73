import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { getKeyExtremes, getMemberKeyExtremes, MonthSource, ReplyOf } from '@ledgerline/contracts';
import type { FoldedChange } from './fold';

export type KeyExtremes = ReplyOf<typeof getKeyExtremes>[number];
export type MemberKeyExtremes = ReplyOf<typeof getMemberKeyExtremes>[number];

/**
 * The two rollups of amounts per (category, subcategory, expense type) key:
 * the household's, and each member's (the same key plus the member). One
 * set of statements serves both; a row carries its key's values in the
 * order of `keys`.
 */
interface AmountGrain {
  table: string;
  keys: readonly string[];
}
const HOUSEHOLD: AmountGrain = { table: 'aggregation.category_rollups', keys: ['month', 'category', 'subcategory', 'expense_type'] };
const PER_MEMBER: AmountGrain = {
  table: 'aggregation.member_category_rollups',
  keys: ['member', 'month', 'category', 'subcategory', 'expense_type'],
};

interface CategoryKey {
  month: string;
  category: string;
  subcategory: string;
  expenseType: string;
}
const householdKey = (k: CategoryKey): string[] => [k.month, k.category, k.subcategory, k.expenseType];
const memberKey = (k: CategoryKey & { member: string }): string[] => [k.member, ...householdKey(k)];

/** Amounts to add to one key (its count and total are added; min and max widen it), or its extremes to set. */
interface AmountRow {
  key: string[];
  count: number;
  cents: string;
  min: string | null;
  max: string | null;
}
type ExtremesRow = Pick<AmountRow, 'key' | 'min' | 'max'>;

/**
 * One statement assembled from several writes, each a data-modifying CTE but the last: $1 is the tenant,
 * `param` numbers the rest. Writes to different tables only (a statement's CTEs do not see each other's rows).
 */
class Statement {
  private readonly params: unknown[];

  constructor(tenantId: string) {
    this.params = [tenantId];
  }

  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }

  async run<Row = unknown>(em: EntityManager, writes: readonly string[]): Promise<Row[]> {
    const last = writes.length - 1;
    const ctes = writes.slice(0, last).map((write, i) => `w${i} AS (${write})`);
    return (await em.query(`${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}${writes[last] as string}`, this.params)) as Row[];
  }
}

/**
 * The upsert adding `rows` to a grain's keys (a key not there yet starts at them); none without rows.
 * `guard`, a condition on the statement's earlier CTEs, decides whether it writes at all.
 */
function addAmounts(sql: Statement, grain: AmountGrain, rows: readonly AmountRow[], guard = ''): string | undefined {
  if (rows.length === 0) return undefined;
  const columns = [
    ...grain.keys.map((_, k) => `${sql.param(rows.map((row) => row.key[k] as string))}::text[]`),
    `${sql.param(rows.map((r) => r.count))}::int[]`,
    `${sql.param(rows.map((r) => r.cents))}::bigint[]`,
    `${sql.param(rows.map((r) => r.min))}::bigint[]`,
    `${sql.param(rows.map((r) => r.max))}::bigint[]`,
  ];
  return `INSERT INTO ${grain.table} AS r (tenant_id, ${grain.keys.join(', ')}, count, total_cents, min_cents, max_cents)
     SELECT $1, * FROM unnest(${columns.join(', ')}) ${guard}
     ON CONFLICT (tenant_id, ${grain.keys.join(', ')}) DO UPDATE SET
       count = r.count + EXCLUDED.count,
       total_cents = r.total_cents + EXCLUDED.total_cents,
       min_cents = LEAST(r.min_cents, EXCLUDED.min_cents),
       max_cents = GREATEST(r.max_cents, EXCLUDED.max_cents)`;
}

/** `$2::text[], $3::text[], …` for the key columns, then `types` for the rest. */
const unnestArgs = (grain: AmountGrain, types: readonly string[]): string =>
  [...grain.keys.map(() => 'text'), ...types].map((type, i) => `$${i + 2}::${type}[]`).join(', ');
const keyColumns = (grain: AmountGrain, rows: readonly { key: string[] }[]): string[][] =>
  grain.keys.map((_, k) => rows.map((row) => row.key[k] as string));

/** What an apply reads under the watermark's lock (see `lockWatermarkAndRead`). */
export interface TenantApplyState {
  watermark: bigint;
  generation: bigint;
  rebuilt: Map<string, bigint>;
  budgeted: Set<string>;
}

const added = (c: FoldedChange['categories'][number], key: string[]): AmountRow => ({
  key,
  count: c.count,
  cents: c.cents.toString(),
  min: c.addedMin?.toString() ?? null,
  max: c.addedMax?.toString() ?? null,
});

/** The writes adding a folded change to every rollup table, one CTE each (`guard` as in `addAmounts`). */
function additions(sql: Statement, change: FoldedChange, guard = ''): string[] {
  const { categories, memberCategories, members, months } = change;
  return [
    addAmounts(
      sql,
      HOUSEHOLD,
      categories.map((c) => added(c, householdKey(c))),
      guard,
    ),
    addAmounts(
      sql,
      PER_MEMBER,
      memberCategories.map((c) => added(c, memberKey(c))),
      guard,
    ),
    members.length === 0
      ? undefined
      : `INSERT INTO aggregation.member_rollups AS r (tenant_id, month, member, count, total_cents)
         SELECT $1, * FROM unnest(${sql.param(members.map((m) => m.month))}::text[], ${sql.param(members.map((m) => m.member))}::text[],
                                  ${sql.param(members.map((m) => m.count))}::int[], ${sql.param(members.map((m) => m.cents.toString()))}::bigint[]) ${guard}
         ON CONFLICT (tenant_id, month, member) DO UPDATE SET
           count = r.count + EXCLUDED.count, total_cents = r.total_cents + EXCLUDED.total_cents`,
    months.length === 0
      ? undefined
      : `INSERT INTO aggregation.month_rollups AS r (tenant_id, month, count, total_cents, fixed_cents, excluded_count)
         SELECT $1, * FROM unnest(${sql.param(months.map((m) => m.month))}::text[], ${sql.param(months.map((m) => m.count))}::int[],
                                  ${sql.param(months.map((m) => m.cents.toString()))}::bigint[],
                                  ${sql.param(months.map((m) => m.fixedCents.toString()))}::bigint[],
                                  ${sql.param(months.map((m) => m.excludedCount))}::int[]) ${guard}
         ON CONFLICT (tenant_id, month) DO UPDATE SET
           count = r.count + EXCLUDED.count,
           total_cents = r.total_cents + EXCLUDED.total_cents,
           fixed_cents = r.fixed_cents + EXCLUDED.fixed_cents,
           excluded_count = r.excluded_count + EXCLUDED.excluded_count`,
  ].filter((w) => w !== undefined);
}

/** The SQL that writes rollups. Every statement is set-based over the folded keys. */
@Injectable()
export class RollupsRepository {
  /** The tenant's watermark ('0' before its first change), locked until the caller commits. */
  async lockWatermark(em: EntityManager, tenantId: string): Promise<bigint> {
    // One statement creates the row on a tenant's first change, or locks it (the no-op update) and reads it.
    const [row] = (await em.query(
      `INSERT INTO aggregation.watermarks AS w (tenant_id, version) VALUES ($1, 0)
       ON CONFLICT (tenant_id) DO UPDATE SET version = w.version RETURNING version::text`,
      [tenantId],
    )) as { version: string }[];
    return BigInt(row?.version ?? '0');
  }

  async setWatermark(em: EntityManager, tenantId: string, version: bigint): Promise<void> {
    await em.query('UPDATE aggregation.watermarks SET version = $2, updated_at = now() WHERE tenant_id = $1', [
      tenantId,
      version.toString(),
    ]);
  }

  /** The tenant's watermark as a reader sees it now; read before the figures, a reply reflects at least it. */
  async watermark(db: EntityManager, tenantId: string): Promise<string> {
    const [row] = (await db.query('SELECT version::text FROM aggregation.watermarks WHERE tenant_id = $1', [tenantId])) as {
      version: string;
    }[];
    return row?.version ?? '0';
  }

  /** Every month the tenant has rollups in. */
  async rollupMonths(db: EntityManager, tenantId: string): Promise<string[]> {
    const rows = (await db.query('SELECT month FROM aggregation.month_rollups WHERE tenant_id = $1 ORDER BY 1', [tenantId])) as {
      month: string;
    }[];
    return rows.map((r) => r.month);
  }

  /**
   * `lockWatermark` and, in the same statement (one round trip, the transaction's snapshot): the versions up
   * to which the tenant's rebuilt months already hold the raw rows (months never rebuilt are absent), the
   * categories that have a budget (only those can raise a budget state), and the generation these were
   * read at. Whole-tenant sets, few rows: an apply may reuse them while the generation stands.
   */
  async lockWatermarkAndRead(em: EntityManager, tenantId: string): Promise<TenantApplyState> {
    const [row] = (await em.query(
      `WITH w AS (
         INSERT INTO aggregation.watermarks AS w (tenant_id, version) VALUES ($1, 0)
         ON CONFLICT (tenant_id) DO UPDATE SET version = w.version RETURNING version::text, generation::text)
       SELECT w.version, w.generation,
              (SELECT coalesce(json_object_agg(m.month, m.version::text), '{}'::json) FROM aggregation.month_watermarks m
                WHERE m.tenant_id = $1) AS rebuilt,
              (SELECT coalesce(array_agg(b.category), '{}') FROM aggregation.budgets b WHERE b.tenant_id = $1) AS budgeted
         FROM w`,
      [tenantId],
    )) as { version: string; generation: string; rebuilt: Record<string, string>; budgeted: string[] }[];
    const rebuilt = new Map(Object.entries(row?.rebuilt ?? {}).map(([month, version]) => [month, BigInt(version)]));
    return {
      watermark: BigInt(row?.version ?? '0'),
      generation: BigInt(row?.generation ?? '0'),
      rebuilt,
      budgeted: new Set(row?.budgeted),
    };
  }

  /**
   * Moves the tenant's generation: what applies read besides the watermark changed (a month rebuilt, new
   * budget limits). Locks the watermark row like `lockWatermark`, so it is ordered with the applies.
   */
  async bumpGeneration(em: EntityManager, tenantId: string): Promise<void> {
    await em.query(
      `INSERT INTO aggregation.watermarks AS w (tenant_id, version, generation) VALUES ($1, 0, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET generation = w.generation + 1`,
      [tenantId],
    );
  }

  /**
   * The whole apply of changes that only add, as ONE autocommit statement, on the assumption that the
   * tenant is still at `at` (watermark and generation, as the caller read them last): the watermark's
   * update is the gate every other write of the statement waits on and depends on. False, with nothing
   * written, when the tenant moved meanwhile (another replica applied, a month was rebuilt, budgets
   * changed): the caller then takes the locked path.
   */
  async applyIfAt(
    db: EntityManager,
    tenantId: string,
    change: FoldedChange,
    at: { watermark: bigint; generation: bigint },
    watermark: bigint,
  ): Promise<boolean> {
    const sql = new Statement(tenantId);
    const gate = `UPDATE aggregation.watermarks SET version = ${sql.param(watermark.toString())}, updated_at = now()
       WHERE tenant_id = $1 AND version = ${sql.param(at.watermark.toString())} AND generation = ${sql.param(at.generation.toString())}
       RETURNING 1`;
    const [row] = await sql.run<{ applied: number }>(db, [
      gate,
      ...additions(sql, change, 'WHERE EXISTS (SELECT FROM w0)'),
      'SELECT count(*)::int AS applied FROM w0',
    ]);
    return row?.applied === 1;
  }

  /**
   * Adds a folded change to every rollup and moves the watermark to `watermark`, in one statement (one
   * round trip: each table is written by its own CTE); then sets the extremes of keys that lost rows and
   * drops rows that fell to zero, when there are any.
   */
  async apply(
    em: EntityManager,
    tenantId: string,
    change: FoldedChange,
    extremes: readonly KeyExtremes[],
    memberExtremes: readonly MemberKeyExtremes[],
    watermark: bigint,
  ): Promise<void> {
    const { categories, memberCategories, members, months } = change;
    const sql = new Statement(tenantId);
    const writes = [
      `UPDATE aggregation.watermarks SET version = ${sql.param(watermark.toString())}, updated_at = now() WHERE tenant_id = $1`,
      ...additions(sql, change),
    ];
    await sql.run(em, writes);
    // After the adds (a statement's CTEs do not see each other's writes): keys that lost rows, then rows at zero.
    await this.setExtremes(
      em,
      HOUSEHOLD,
      tenantId,
      extremes.map((k) => ({ key: householdKey(k), min: k.minCents, max: k.maxCents })),
    );
    await this.setExtremes(
      em,
      PER_MEMBER,
      tenantId,
      memberExtremes.map((k) => ({ key: memberKey(k), min: k.minCents, max: k.maxCents })),
    );
    // Only rows that lost something can have dropped to zero: a change that only adds skips the deletes.
    const shrunk = new Set(
      [...categories, ...memberCategories, ...members, ...months]
        .filter((c) => c.count < 0 || ('excludedCount' in c && c.excludedCount < 0))
        .map((c) => c.month),
    );
    if (shrunk.size > 0) await this.dropEmpty(em, tenantId, [...shrunk]);
  }

  /** Adds amounts to a grain's keys (a key not there yet starts at them). */
  private async addAmounts(em: EntityManager, grain: AmountGrain, tenantId: string, rows: readonly AmountRow[]): Promise<void> {
    const sql = new Statement(tenantId);
    const write = addAmounts(sql, grain, rows);
    if (write) await sql.run(em, [write]);
  }

  /** Min/max can't be un-added: keys that lost rows take the extremes ingestion reports for their current rows. */
  private async setExtremes(em: EntityManager, grain: AmountGrain, tenantId: string, rows: readonly ExtremesRow[]): Promise<void> {
    if (rows.length === 0) return;
    await em.query(
      `UPDATE ${grain.table} r SET min_cents = s.min_cents, max_cents = s.max_cents
         FROM unnest(${unnestArgs(grain, ['bigint', 'bigint'])}) AS s(${grain.keys.join(', ')}, min_cents, max_cents)
        WHERE r.tenant_id = $1 AND ${grain.keys.map((k) => `r.${k} = s.${k}`).join(' AND ')}`,
      [tenantId, ...keyColumns(grain, rows), rows.map((r) => r.min), rows.map((r) => r.max)],
    );
  }

  private async dropEmpty(em: EntityManager, tenantId: string, months: readonly string[]): Promise<void> {
    await em.query(
      `WITH c AS (DELETE FROM aggregation.category_rollups WHERE tenant_id = $1 AND month = ANY($2) AND count = 0),
            m AS (DELETE FROM aggregation.member_rollups WHERE tenant_id = $1 AND month = ANY($2) AND count = 0),
            mc AS (DELETE FROM aggregation.member_category_rollups WHERE tenant_id = $1 AND month = ANY($2) AND count = 0)
       DELETE FROM aggregation.month_rollups WHERE tenant_id = $1 AND month = ANY($2) AND count = 0 AND excluded_count = 0`,
      [tenantId, months],
    );
  }

  /**
   * Replaces one tenant-month's rollups with what ingestion folded from its
   * rows, and records the version that snapshot reflected: changes up to it
   * are not applied to this month again.
   */
  async rebuild(em: EntityManager, tenantId: string, month: string, source: MonthSource): Promise<{ rowsRead: number; keys: number }> {
    const args = [tenantId, month];
    await this.bumpGeneration(em, tenantId);
    await em.query(
      `INSERT INTO aggregation.month_watermarks AS w (tenant_id, month, version) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, month) DO UPDATE SET version = GREATEST(w.version, EXCLUDED.version)`,
      [tenantId, month, source.version],
    );
    for (const table of ['category_rollups', 'member_category_rollups', 'member_rollups', 'month_rollups']) {
      await em.query(`DELETE FROM aggregation.${table} WHERE tenant_id = $1::uuid AND month = $2::text`, args);
    }
    const { categories, memberCategories, members, totals } = source;
    // Into emptied keys: adding the month's amounts is writing them.
    const folded = (c: MonthSource['categories'][number], key: string[]): AmountRow => ({
      key,
      count: c.count,
      cents: c.totalCents,
      min: c.minCents,
      max: c.maxCents,
    });
    await this.addAmounts(
      em,
      HOUSEHOLD,
      tenantId,
      categories.map((c) => folded(c, householdKey({ ...c, month }))),
    );
    await this.addAmounts(
      em,
      PER_MEMBER,
      tenantId,
      memberCategories.map((c) => folded(c, memberKey({ ...c, month }))),
    );
    if (members.length > 0) {
      await em.query(
        `INSERT INTO aggregation.member_rollups (tenant_id, month, member, count, total_cents)
         SELECT $1, $2, * FROM unnest($3::text[], $4::int[], $5::bigint[])`,
        [...args, members.map((m) => m.member), members.map((m) => m.count), members.map((m) => m.totalCents)],
      );
    }
    if (totals) {
      await em.query(
        `INSERT INTO aggregation.month_rollups (tenant_id, month, count, total_cents, fixed_cents, excluded_count)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [...args, totals.count, totals.totalCents, totals.fixedCents, totals.excludedCount],
      );
    }
    return { rowsRead: totals?.rows ?? 0, keys: categories.length };
  }
}
