import { budgetChanged, type Budget, type Budgets, type BudgetsBody, type BudgetStatus, type WriteOutcome } from '@ledgerline/contracts';
import { invalidateCaches, NatsBus } from '@ledgerline/messaging';
import { formatMoney, type Cents } from '@ledgerline/money';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RollupsRepository } from '../rollups/rollups.repository';
import { budgetStatus } from './budget-status';
import { BudgetThresholds } from './budget-thresholds';
import { BudgetsRepository, type BudgetLimit } from './budgets.repository';

const toBudget = (l: BudgetLimit): Budget => ({ category: l.category, limit: formatMoney(l.limit) });

/** The month a household is living in (UTC): the one a change of limits is judged against for notifications. */
const currentMonth = (now = new Date()): string => now.toISOString().slice(0, 7);

@Injectable()
export class BudgetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: BudgetsRepository,
    private readonly rollups: RollupsRepository,
    private readonly thresholds: BudgetThresholds,
    private readonly bus: NatsBus,
  ) {}

  /** The limits with the version they reflect (the watermark, read first: limits only change under its lock). */
  async list(tenantId: string): Promise<{ budgets: Budgets; version: string }> {
    const version = await this.rollups.watermark(this.db.manager, tenantId);
    return { budgets: { budgets: (await this.repo.limits(this.db.manager, tenantId)).map(toBudget) }, version };
  }

  /**
   * Replaces the tenant's limits. Taken under the tenant's watermark lock, so
   * it is ordered with the applies of its writes: the answer's `version` is
   * the watermark it was made at, and a read at that version or later shows
   * the new limits (the caches are invalidated before the answer). A lower
   * limit that raises this month's state notifies like a write would.
   */
  async put(tenantId: string, body: BudgetsBody): Promise<Budgets & WriteOutcome> {
    const { limits, version, reached } = await this.db.transaction(async (em) => {
      const watermark = await this.rollups.lockWatermark(em, tenantId);
      // Applies that reused what they read before (which categories have a budget) must read again.
      await this.rollups.bumpGeneration(em, tenantId);
      const before = await this.repo.limits(em, tenantId);
      await this.repo.replace(em, tenantId, body);
      const after = await this.repo.limits(em, tenantId);
      const raised = await this.thresholds.afterLimitsChanged(em, tenantId, currentMonth(), before, after, watermark);
      return { limits: after, version: watermark.toString(), reached: raised };
    });
    const cachesInvalidated = await invalidateCaches(this.bus, tenantId);
    this.bus.publish(budgetChanged, {
      eventId: randomUUID(),
      tenantId,
      resource: 'budget',
      occurredAt: new Date().toISOString(),
      cachesInvalidated,
    });
    this.thresholds.announce(reached);
    return { budgets: limits.map(toBudget), version, applied: cachesInvalidated };
  }

  /** The summary's `budgets`: every budgeted category against its month total (0 when it has no rows). */
  async statuses(tenantId: string, totals: ReadonlyMap<string, Cents>): Promise<BudgetStatus[]> {
    const limits = await this.repo.limits(this.db.manager, tenantId);
    return limits.map((l) => budgetStatus(l.category, l.limit, totals.get(l.category) ?? 0n));
  }
}
