import { z } from 'zod';
import { defineEvent, defineRequest } from '../common/contract';
import { monthString, tenantId } from '../common/primitives';
import { transactionsChanged } from '../transactions/transaction.contracts';
import {
  breakdownQuerySchema,
  drillDownQuerySchema,
  monthQuerySchema,
  trendsQuerySchema,
  type Breakdown,
  type RefreshResult,
  type Stats,
  type SubcategoryDrillDown,
  type Summary,
  type TransactionDrillDown,
  type Trends,
} from './dashboard.schema';
import { cachesInvalidated } from '../cache/cache.contracts';

export const getSummary = defineRequest<Summary>()('aggregation.summary.get.v1', monthQuerySchema.extend({ tenantId }));
export const getBreakdown = defineRequest<Breakdown>()('aggregation.breakdown.get.v1', breakdownQuerySchema.extend({ tenantId }));
export const getDrillDown = defineRequest<SubcategoryDrillDown | TransactionDrillDown>()(
  'aggregation.drill-down.get.v1',
  drillDownQuerySchema.extend({ tenantId, category: z.string().min(1).max(100) }),
);
export const getTrends = defineRequest<Trends>()('aggregation.trends.get.v1', z.object({ tenantId, query: trendsQuerySchema }));
export const getStats = defineRequest<Stats>()('aggregation.stats.get.v1', monthQuerySchema.extend({ tenantId }));
export const refreshMonth = defineRequest<RefreshResult>()('aggregation.rollups.refresh.v1', z.object({ tenantId, month: monthString }));

/**
 * Fast path of a transactions change: ingestion hands the committed event to
 * aggregation right away and waits (bounded) so the writer's next read sees it.
 * The same event still arrives through JetStream; it is applied once by event id.
 */
export const applyTransactionsChange = defineRequest<{ applied: true }>()('aggregation.changes.apply.v1', transactionsChanged.payload);

/** Rollups of these tenant-months changed: cached dashboard figures for them are stale. */
export const rollupsChanged = defineEvent(
  'events.rollups.changed.v1',
  z.object({ eventId: z.string(), tenantId, months: z.array(monthString), occurredAt: z.string(), cachesInvalidated }),
);
