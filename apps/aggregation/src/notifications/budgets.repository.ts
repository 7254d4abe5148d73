import type { BudgetThreshold, BudgetsBody } from '@ledgerline/contracts';
import { parseMoney, type Cents } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface BudgetLimit {
  category: string;
  limit: Cents;
}

const cents = (text: string): Cents => {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw new Error(`validated amount "${text}" did not parse: ${parsed.reason}`);
  return parsed.value;
};

/** The SQL of budgets and the thresholds they reached. Every statement names the tenant. */
@Injectable()
export class BudgetsRepository {
  /** The tenant's limits, by category (code-point order), optionally only these categories. */
  async limits(db: EntityManager, tenantId: string, categories?: readonly string[]): Promise<BudgetLimit[]> {
    const rows = (await db.query(
      `SELECT category, limit_cents::text FROM aggregation.budgets
        WHERE tenant_id = $1 AND ($2::text[] IS NULL OR category = ANY($2::text[]))
        ORDER BY category COLLATE "C"`,
      [tenantId, categories ?? null],
    )) as { category: string; limit_cents: string }[];
    return rows.map((r) => ({ category: r.category, limit: BigInt(r.limit_cents) }));
  }

  /** Replaces the tenant's whole set of limits. */
  async replace(em: EntityManager, tenantId: string, body: BudgetsBody): Promise<void> {
    await em.query('DELETE FROM aggregation.budgets WHERE tenant_id = $1', [tenantId]);
    if (body.budgets.length === 0) return;
    await em.query(
      `INSERT INTO aggregation.budgets (tenant_id, category, limit_cents)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[])`,
      [tenantId, body.budgets.map((b) => b.category), body.budgets.map((b) => cents(b.limit).toString())],
    );
  }

  /** Each category's month total (every expense type, excluded rows are not in the rollups), as the breakdown sums it. */
  async spent(db: EntityManager, tenantId: string, months: readonly string[], categories: readonly string[]): Promise<Map<string, Cents>> {
    const rows = (await db.query(
      `SELECT month, category, SUM(total_cents)::text AS spent FROM aggregation.category_rollups
        WHERE tenant_id = $1 AND month = ANY($2::text[]) AND category = ANY($3::text[])
        GROUP BY month, category`,
      [tenantId, months, categories],
    )) as { month: string; category: string; spent: string }[];
    return new Map(rows.map((r) => [spentKey(r.month, r.category), BigInt(r.spent)]));
  }

  /**
   * Records that a state was reached and queues its webhook deliveries, in the
   * caller's transaction; false (nothing queued) when it was recorded before —
   * the primary key (tenant, month, category, state) is what makes it once.
   */
  async recordThreshold(em: EntityManager, event: BudgetThreshold, limit: Cents, spent: Cents): Promise<boolean> {
    const inserted = (await em.query(
      `INSERT INTO aggregation.budget_thresholds (tenant_id, month, category, state, event_id, version, limit_cents, spent_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, month, category, state) DO NOTHING
       RETURNING event_id`,
      [event.tenantId, event.month, event.category, event.state, event.eventId, event.version, limit.toString(), spent.toString()],
    )) as unknown[];
    if (inserted.length === 0) return false;
    await em.query(
      `INSERT INTO aggregation.webhook_deliveries (tenant_id, endpoint_id, url, event_id, payload, next_attempt_at)
       SELECT tenant_id, id, url, $2, $3::jsonb, now() FROM aggregation.webhook_endpoints WHERE tenant_id = $1`,
      [event.tenantId, event.eventId, JSON.stringify(event)],
    );
    return true;
  }
}

export const spentKey = (month: string, category: string): string => JSON.stringify([month, category]);
