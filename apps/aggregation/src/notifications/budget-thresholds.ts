import { budgetThreshold, type BudgetState, type BudgetThreshold } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { formatMoney, type Cents } from '@ledgerline/money';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type pino from 'pino';
import type { EntityManager } from 'typeorm';
import { LOGGER } from '@ledgerline/runtime';
import type { FoldedChange } from '../rollups/fold';
import { budgetState, raisedState } from './budget-status';
import { countThreshold, countThresholdFailure } from './notifications.metrics';
import { BudgetsRepository, spentKey, type BudgetLimit } from './budgets.repository';
import { WebhookWorker } from './webhook.worker';

/** PostgreSQL asks to retry these: the whole apply is retried, so the detection runs again with it. */
const RETRYABLE = new Set(['40001', '40P01']);

/** A category-month whose total moved in the transaction: before = after − moved. */
interface Moved {
  month: string;
  category: string;
  cents: Cents;
}

/**
 * Tells when a write moved a budget state up. Runs inside the transaction
 * that applies a tenant's changes, after the rollups were updated: the
 * tenant's watermark row is locked, so applies of one tenant are serialised
 * and before/after are exact; the state reached is recorded with its webhook
 * deliveries in that same transaction, once per (tenant, month, category,
 * state). After the commit, `announce` puts the events on NATS (for the live
 * stream) and wakes the delivery worker.
 */
@Injectable()
export class BudgetThresholds {
  constructor(
    private readonly repo: BudgetsRepository,
    private readonly bus: NatsBus,
    private readonly worker: WebhookWorker,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {}

  /**
   * After a change was applied to the rollups, in its transaction; `version` is the watermark it moves to,
   * `budgeted` the change's categories that have a budget (read with the watermark's lock).
   */
  async afterApply(
    em: EntityManager,
    tenantId: string,
    change: FoldedChange,
    version: bigint,
    budgeted: ReadonlySet<string>,
  ): Promise<BudgetThreshold[]> {
    // Only a total that grew, of a budgeted category, can move a state up.
    const moved = [...movedTotals(change).values()].filter((m) => m.cents > 0n && budgeted.has(m.category));
    if (moved.length === 0) return [];
    const limits = await this.repo.limits(em, tenantId, [...new Set(moved.map((m) => m.category))]);
    if (limits.length === 0) return [];
    // A failure past this point must not hold up the tenant's figures: it is rolled back alone (logged, counted), the
    // write is applied without its notification. Retryable conflicts still abort the apply, which runs this again.
    await em.query('SAVEPOINT budget_thresholds');
    try {
      const reached = await this.judge(em, tenantId, moved, limits, version);
      await em.query('RELEASE SAVEPOINT budget_thresholds');
      return reached;
    } catch (err) {
      const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
      if (code && RETRYABLE.has(code)) throw err;
      await em.query('ROLLBACK TO SAVEPOINT budget_thresholds');
      countThresholdFailure();
      this.logger.error({ err, tenantId, version: version.toString() }, 'budget thresholds not judged for this apply');
      return [];
    }
  }

  private async judge(
    em: EntityManager,
    tenantId: string,
    moved: readonly Moved[],
    limits: readonly BudgetLimit[],
    version: bigint,
  ): Promise<BudgetThreshold[]> {
    const limitOf = new Map(limits.map((l) => [l.category, l]));
    const budgeted = moved.filter((m) => limitOf.has(m.category));
    const spent = await this.repo.spent(
      em,
      tenantId,
      [...new Set(budgeted.map((m) => m.month))],
      [...new Set(budgeted.map((m) => m.category))],
    );
    const reached: BudgetThreshold[] = [];
    for (const m of budgeted) {
      const after = spent.get(spentKey(m.month, m.category)) ?? 0n;
      const event = await this.record(em, tenantId, m.month, limitOf.get(m.category) as BudgetLimit, after - m.cents, after, version);
      if (event) reached.push(event);
    }
    return reached;
  }

  /** After a change of limits, in its transaction (the watermark row locked): states the new limits raise for `month`. */
  async afterLimitsChanged(
    em: EntityManager,
    tenantId: string,
    month: string,
    before: readonly BudgetLimit[],
    after: readonly BudgetLimit[],
    version: bigint,
  ): Promise<BudgetThreshold[]> {
    if (after.length === 0) return [];
    const spent = await this.repo.spent(
      em,
      tenantId,
      [month],
      after.map((l) => l.category),
    );
    const previous = new Map(before.map((l) => [l.category, l.limit]));
    const reached: BudgetThreshold[] = [];
    for (const limit of after) {
      const total = spent.get(spentKey(month, limit.category)) ?? 0n;
      const old = previous.get(limit.category);
      // A category budgeted for the first time has no state to move from: it starts from ok.
      const from = old === undefined ? 'ok' : budgetState(total, old);
      const event = await this.recordMove(em, tenantId, month, limit, from, total, version);
      if (event) reached.push(event);
    }
    return reached;
  }

  /** After the commit: the events for the live stream, and the worker woken for the deliveries. */
  announce(events: readonly BudgetThreshold[]): void {
    if (events.length === 0) return;
    for (const event of events) {
      countThreshold(event.state);
      this.bus.publish(budgetThreshold, event);
    }
    this.worker.kick();
  }

  private record(
    em: EntityManager,
    tenantId: string,
    month: string,
    limit: BudgetLimit,
    before: Cents,
    after: Cents,
    version: bigint,
  ): Promise<BudgetThreshold | null> {
    return this.recordMove(em, tenantId, month, limit, budgetState(before, limit.limit), after, version);
  }

  private async recordMove(
    em: EntityManager,
    tenantId: string,
    month: string,
    limit: BudgetLimit,
    from: BudgetState,
    spent: Cents,
    version: bigint,
  ): Promise<BudgetThreshold | null> {
    const state = raisedState(from, budgetState(spent, limit.limit));
    if (state === null) return null;
    const event: BudgetThreshold = {
      eventId: randomUUID(),
      type: 'budget.threshold',
      tenantId,
      category: limit.category,
      month,
      limit: formatMoney(limit.limit),
      spent: formatMoney(spent),
      state,
      version: version.toString(),
      occurredAt: new Date().toISOString(),
    };
    return (await this.repo.recordThreshold(em, event, limit.limit, spent)) ? event : null;
  }
}

/** Net change of each category-month's total in a folded change (all subcategories and expense types together). */
export function movedTotals(change: FoldedChange): Map<string, Moved> {
  const moved = new Map<string, Moved>();
  for (const c of change.categories) {
    const key = spentKey(c.month, c.category);
    const m = moved.get(key) ?? { month: c.month, category: c.category, cents: 0n };
    moved.set(key, m);
    m.cents += c.cents;
  }
  return moved;
}
