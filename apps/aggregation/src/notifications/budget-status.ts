import type { BudgetState, BudgetStatus } from '@ledgerline/contracts';
import { formatMoney, formatPercent, type Cents } from '@ledgerline/money';

const RANK: Record<BudgetState, number> = { ok: 0, warning: 1, over: 2 };

/**
 * The state of a category's budget, on exact cents (never on the rounded
 * percent): `over` once spent ≥ limit, `warning` once spent ≥ 80 % of it
 * (spent × 5 ≥ limit × 4), else `ok`. Limits are always positive.
 */
export function budgetState(spent: Cents, limit: Cents): BudgetState {
  if (spent >= limit) return 'over';
  if (spent * 5n >= limit * 4n) return 'warning';
  return 'ok';
}

/** The summary row: percent with 2 decimals, half away from zero, like every percentage in the API. */
export function budgetStatus(category: string, limit: Cents, spent: Cents): BudgetStatus {
  return {
    category,
    limit: formatMoney(limit),
    spent: formatMoney(spent),
    percent: formatPercent(spent, limit),
    state: budgetState(spent, limit),
  };
}

/** The state reached when a change moved it up, else null (unchanged or down: nobody is told). */
export function raisedState(before: BudgetState, after: BudgetState): BudgetState | null {
  return RANK[after] > RANK[before] ? after : null;
}
