import { z } from 'zod';
import { cachesInvalidated } from '../cache/cache.contracts';
import { defineEvent, defineRequest } from '../common/contract';
import { monthString, tenantId, uuidString } from '../common/primitives';
import {
  fixedLineBodySchema,
  fixedLinePatchSchema,
  provisionBodySchema,
  provisionPatchSchema,
  type FixedLine,
  type MonthPlan,
  type Provision,
  type ProvisionsCalculation,
} from './budget.schema';

const byId = z.object({ tenantId, id: uuidString });

export const listFixedLines = defineRequest<{ fixedLines: FixedLine[] }>()('provisions.fixed-lines.list.v1', z.object({ tenantId }));
export const getFixedLine = defineRequest<FixedLine>()('provisions.fixed-lines.get.v1', byId);
export const createFixedLine = defineRequest<FixedLine>()(
  'provisions.fixed-lines.create.v1',
  z.object({ tenantId, body: fixedLineBodySchema }),
);
export const updateFixedLine = defineRequest<FixedLine>()('provisions.fixed-lines.update.v1', byId.extend({ patch: fixedLinePatchSchema }));
export const deleteFixedLine = defineRequest<{ deleted: true }>()('provisions.fixed-lines.delete.v1', byId);

export const listProvisions = defineRequest<{ provisions: Provision[] }>()('provisions.provisions.list.v1', z.object({ tenantId }));
export const getProvision = defineRequest<Provision>()('provisions.provisions.get.v1', byId);
export const createProvision = defineRequest<Provision>()(
  'provisions.provisions.create.v1',
  z.object({ tenantId, body: provisionBodySchema }),
);
export const updateProvision = defineRequest<Provision>()('provisions.provisions.update.v1', byId.extend({ patch: provisionPatchSchema }));
export const deleteProvision = defineRequest<{ deleted: true }>()('provisions.provisions.delete.v1', byId);

export const calculateProvisions = defineRequest<ProvisionsCalculation>()(
  'provisions.provisions.calculate.v1',
  z.object({ tenantId, month: monthString }),
);

/** The budget side of a month's summary (see `MonthPlan`). */
export const getMonthPlan = defineRequest<MonthPlan>()('provisions.month-plan.get.v1', z.object({ tenantId, month: monthString }));

/** A fixed line, provision or the budgets of the tenant changed: every cached plan figure and summary is stale. */
export const budgetChanged = defineEvent(
  'events.budget.changed.v1',
  z.object({
    eventId: z.string(),
    tenantId,
    resource: z.enum(['fixed-line', 'provision', 'budget']),
    occurredAt: z.string(),
    cachesInvalidated,
  }),
);
