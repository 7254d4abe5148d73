import { z } from 'zod';
import { monthString, positiveMoney, uuidString } from '../common/primitives';
import { textField } from '../common/text';
import { versionString } from '../common/version';

/**
 * Monthly spending limits per category, the budget states the summary shows,
 * and the tenant's webhooks that hear when a state moves up.
 */

/** At most this many budgeted categories per tenant: the summary lists them all. */
export const MAX_BUDGETS = 200;
/** At most this many webhook endpoints per tenant: every threshold event goes to each. */
export const MAX_WEBHOOKS = 10;

/** Same rules as a transaction's category, so a budget names exactly the category its rows carry. */
const budgetCategory = textField({ trim: true, min: 1, max: 100, typeError: 'is required' });

/** A duplicate in a list: the later entry's field is named, so each error points at one entry. */
function duplicates<T>(items: readonly T[], keyOf: (item: T) => string): number[] {
  const seen = new Set<string>();
  const repeated: number[] = [];
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (seen.has(key)) repeated.push(i);
    seen.add(key);
  });
  return repeated;
}

/** Body of `PUT /v1/budgets`: the tenant's complete set of limits (an empty list removes every budget). */
export const budgetsBodySchema = z
  .strictObject({
    budgets: z
      .array(z.strictObject({ category: budgetCategory, limit: positiveMoney }), { error: 'must be a list of {category, limit}' })
      .max(MAX_BUDGETS, { error: `must hold at most ${MAX_BUDGETS} budgets` }),
  })
  .superRefine((body, ctx) => {
    for (const i of duplicates(body.budgets, (b) => b.category)) {
      ctx.addIssue({ code: 'custom', path: ['budgets', i, 'category'], message: 'names a category already budgeted above' });
    }
  });
export type BudgetsBody = z.output<typeof budgetsBodySchema>;

export interface Budget {
  category: string;
  /** The monthly limit, an amount like "400.00". */
  limit: string;
}

/** `ok` below 80 % of the limit, `warning` from 80 %, `over` from 100 % (compared on exact cents). */
export const budgetStateSchema = z.enum(['ok', 'warning', 'over']);
export type BudgetState = z.output<typeof budgetStateSchema>;

/** One row of the summary's `budgets`. */
export interface BudgetStatus {
  category: string;
  limit: string;
  /** The month's total of the category, as the breakdown computes it. */
  spent: string;
  /** spent ÷ limit in percent, 2 decimals, rounded half away from zero (display only: `state` uses exact cents). */
  percent: string;
  state: BudgetState;
}

/** `GET /v1/budgets` and the answer to `PUT /v1/budgets`. */
export interface Budgets {
  budgets: Budget[];
}

/** Body of `PUT /v1/tenant/webhooks`: the tenant's complete set of endpoints. */
export const webhooksBodySchema = z
  .strictObject({
    webhooks: z
      .array(z.strictObject({ url: textField({ trim: true, min: 1, max: 2_000, typeError: 'is required' }) }), {
        error: 'must be a list of {url}',
      })
      .max(MAX_WEBHOOKS, { error: `must hold at most ${MAX_WEBHOOKS} webhooks` }),
  })
  .superRefine((body, ctx) => {
    for (const i of duplicates(body.webhooks, (w) => w.url)) {
      ctx.addIssue({ code: 'custom', path: ['webhooks', i, 'url'], message: 'is listed twice' });
    }
  });
export type WebhooksBody = z.output<typeof webhooksBodySchema>;

export interface Webhook {
  id: string;
  url: string;
  createdAt: string;
  /** Only in the answer to the PUT that created the endpoint: shown once, never again. */
  secret?: string;
}

export interface WebhookAttempt {
  at: string;
  /** The endpoint's HTTP status, null when no answer came (refused address, DNS, timeout, connection). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  url: string;
  event: 'budget.threshold';
  eventId: string;
  /** `pending` while retries remain, `delivered` on a 2xx, `failed` after 24 h of retries, `cancelled` when the endpoint was removed. */
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attempts: WebhookAttempt[];
}

/** `GET /v1/tenant/webhooks`: the endpoints and the most recent deliveries with every attempt. */
export interface Webhooks {
  webhooks: Webhook[];
  deliveries: WebhookDelivery[];
}

/**
 * A tenant's budget state for a category and month moved up, caused by a
 * write (`version` is the first version whose figures show it). The body of
 * the webhook POST and of the live stream's event; at most one per
 * (tenant, category, month, state).
 */
export const budgetThresholdSchema = z.object({
  eventId: uuidString,
  type: z.literal('budget.threshold'),
  tenantId: uuidString,
  category: z.string(),
  month: monthString,
  limit: z.string(),
  spent: z.string(),
  state: budgetStateSchema,
  version: versionString,
  occurredAt: z.string(),
});
export type BudgetThreshold = z.output<typeof budgetThresholdSchema>;
