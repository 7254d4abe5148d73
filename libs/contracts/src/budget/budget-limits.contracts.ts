import { z } from 'zod';
import { defineEvent, defineRequest } from '../common/contract';
import { tenantId } from '../common/primitives';
import type { WriteOutcome } from '../transactions/transaction.contracts';
import { budgetsBodySchema, budgetThresholdSchema, webhooksBodySchema, type Budgets, type Webhooks } from './budget-limits.schema';

/**
 * Budgets and webhooks are owned by aggregation: a threshold is detected
 * inside the transaction that applies a write to the rollups, against the
 * limits in the same database (see apps/aggregation/src/notifications).
 */
export const listBudgets = defineRequest<Budgets>()('aggregation.budgets.list.v1', z.object({ tenantId }));
export const putBudgets = defineRequest<Budgets & WriteOutcome>()(
  'aggregation.budgets.put.v1',
  z.object({ tenantId, body: budgetsBodySchema }),
);

export const getWebhooks = defineRequest<Webhooks>()('aggregation.webhooks.get.v1', z.object({ tenantId }));
export const putWebhooks = defineRequest<Pick<Webhooks, 'webhooks'>>()(
  'aggregation.webhooks.put.v1',
  z.object({ tenantId, body: webhooksBodySchema }),
);

/** A budget state moved up (once per tenant, category, month and state): for the live stream. */
export const budgetThreshold = defineEvent('events.budgets.threshold.v1', budgetThresholdSchema);
