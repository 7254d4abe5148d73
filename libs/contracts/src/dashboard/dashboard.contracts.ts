import { z } from 'zod';
import { defineEvent, defineRequest } from '../common/contract';
import { monthString, tenantId } from '../common/primitives';
import { versionString, type Version } from '../common/version';
import {
  breakdownQuerySchema,
  drillDownQuerySchema,
  monthQuerySchema,
  statsQuerySchema,
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
export const getStats = defineRequest<Stats>()('aggregation.stats.get.v1', statsQuerySchema.extend({ tenantId }));
export const refreshMonth = defineRequest<RefreshResult>()('aggregation.rollups.refresh.v1', z.object({ tenantId, month: monthString }));

/**
 * Rollups of these tenant-months changed and the tenant's watermark moved to
 * `version`: every change up to it is in the rollups (and, when
 * `cachesInvalidated`, out of the caches). Writers waiting for their change
 * and readers waiting for a minimum version listen to it, and so does every
 * cache (it is the invalidation fan-out). `commits` are the changes it made
 * visible, with their commit times: what the caches' freshness is measured from.
 */
export const rollupsChanged = defineEvent(
  'events.rollups.changed.v1',
  z.object({
    eventId: z.string(),
    tenantId,
    version: versionString,
    months: z.array(monthString),
    occurredAt: z.string(),
    cachesInvalidated,
    commits: z.array(z.object({ version: versionString, committedAt: z.string(), months: z.array(monthString) })).optional(),
  }),
);

/** The tenant's watermark: every change up to `version` is in the rollups. For a process that has not heard one yet. */
export const getWatermark = defineRequest<{ version: Version }>()('aggregation.watermark.get.v1', z.object({ tenantId }));
