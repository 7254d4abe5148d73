import { Client as Pg } from 'pg';
import type { Figures, RawCount, RowNow } from './checker';
import type { Client, Tenant } from './workload';

/**
 * The final state the checker compares the history with: raw rows straight
 * from PostgreSQL (the test oracle), dashboard figures through the public API.
 */
export class Oracle {
  constructor(
    private readonly databaseUrl: string,
    private readonly client: Client,
  ) {}

  private async query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    const pg = new Pg({ connectionString: this.databaseUrl });
    await pg.connect();
    try {
      return (await pg.query<R>(sql, params)).rows;
    } finally {
      await pg.end();
    }
  }

  /** Rows per write (externalId `${key}.${i}`) in a month: stored rows and distinct externalIds. */
  async rawCounts(month: string): Promise<Map<string, RawCount>> {
    const rows = await this.query<{ key: string; rows: number; distinct: number }>(
      `SELECT split_part(external_id, '.', 1) AS key, count(*)::int AS rows, count(DISTINCT external_id)::int AS distinct
         FROM ingestion.transactions WHERE month = $1 AND external_id IS NOT NULL GROUP BY 1`,
      [month],
    );
    return new Map(rows.map((r) => [r.key, { rows: r.rows, distinct: r.distinct }]));
  }

  async seededRows(tenant: Tenant, prefix: string): Promise<{ id: string; category: string }[]> {
    return this.query(`SELECT id, category FROM ingestion.transactions WHERE tenant_id = $1 AND external_id LIKE $2 ORDER BY external_id`, [
      tenant.id,
      `${prefix}.%`,
    ]);
  }

  async rowsNow(ids: string[]): Promise<Map<string, RowNow>> {
    const rows = await this.query<{ id: string; category: string }>('SELECT id, category FROM ingestion.transactions WHERE id = ANY($1)', [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, { category: r.category }]));
  }

  /** What the dashboard should say: per category, non-excluded rows and their sum, recomputed from raw rows. */
  async rawFigures(tenant: Tenant, month: string): Promise<Figures> {
    const rows = await this.query<{ category: string; count: number; cents: string }>(
      `SELECT category, count(*)::int AS count, sum(amount_cents)::text AS cents
         FROM ingestion.transactions WHERE tenant_id = $1 AND month = $2 AND NOT exclude GROUP BY category`,
      [tenant.id, month],
    );
    return new Map(rows.map((r) => [r.category, { count: r.count, cents: BigInt(r.cents) }]));
  }

  /** The breakdown as the API answers it; `fresh` sends `Cache-Control: no-cache`. Undefined when it did not answer 200. */
  async dashboardFigures(tenant: Tenant, month: string, fresh: boolean): Promise<Figures | undefined> {
    const headers: Record<string, string> = fresh ? { 'cache-control': 'no-cache' } : {};
    const res = await this.client.call('GET', `/v1/dashboard/breakdown?month=${month}`, tenant.key, { headers });
    if (res.status !== 200) return undefined;
    const body = res.body as { categories: { category: string; count: number; total: string }[] };
    return new Map(body.categories.filter((c) => c.count !== 0).map((c) => [c.category, { count: c.count, cents: toCents(c.total) }]));
  }
}

export function toCents(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [units, fraction = ''] = amount.replace('-', '').split('.');
  const cents = BigInt(units as string) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}

export function sameFigures(a: Figures | undefined, b: Figures | undefined): boolean {
  if (!a || !b) return false;
  const keys = new Set([...a.keys(), ...b.keys()]);
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    if (x?.count !== y?.count || x?.cents !== y?.cents) return false;
  }
  return true;
}
