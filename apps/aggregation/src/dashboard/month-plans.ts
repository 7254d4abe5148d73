import { budgetChanged, getMonthPlan, tenantConfigChanged, type MonthPlan } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { growingLru } from '@ledgerline/runtime';
import { Injectable } from '@nestjs/common';

/** Tenants whose plans are kept; the least recently used go first. */
const MAX_TENANTS = 10_000;
/** Months kept per tenant (a dashboard reads a few); past that the tenant's plans start over. */
const MAX_MONTHS = 36;

/**
 * Provisions' month plans, as summaries need them, kept until the tenant's
 * budget or config changes. A plan depends on the tenant's config, fixed
 * lines and provisions only, never on its transactions; yet every write
 * invalidates its month's summary, and each recompute used to ask
 * provisions for the same plan again (three queries). Provisions announces
 * every change of those (`budgetChanged`, `tenantConfigChanged`) before it
 * answers the change, so the next summary after it asks afresh.
 */
@Injectable()
export class MonthPlans {
  private readonly plans = growingLru<string, Map<string, Promise<MonthPlan>>>(MAX_TENANTS);

  constructor(private readonly bus: NatsBus) {
    const forget = ({ tenantId }: { tenantId: string }) => void this.plans.delete(tenantId);
    bus.subscribe(budgetChanged, forget);
    bus.subscribe(tenantConfigChanged, forget);
    // Changes announced while disconnected were missed.
    bus.onReconnect(() => this.plans.clear());
  }

  get(tenantId: string, month: string): Promise<MonthPlan> {
    let months = this.plans.get(tenantId);
    if (!months || months.size >= MAX_MONTHS) this.plans.set(tenantId, (months = new Map()));
    let plan = months.get(month);
    if (!plan) {
      const asked = this.bus.request(getMonthPlan, { tenantId, month });
      plan = asked;
      months.set(month, asked);
      const kept = months;
      // A failed answer is not kept: the next summary asks again.
      asked.catch(() => {
        if (kept.get(month) === asked) kept.delete(month);
      });
    }
    return plan;
  }
}
