import {
  breakdownQuerySchema,
  categoryParamSchema,
  drillDownQuerySchema,
  getBreakdown,
  getDrillDown,
  getStats,
  getSummary,
  getTrends,
  monthQuerySchema,
  statsQuerySchema,
  trendsQuerySchema,
  type BreakdownQuery,
  type DrillDownQuery,
  type RequestContract,
  type RequestOf,
  type StatsQuery,
  type TrendsQuery,
} from '@ledgerline/contracts';

/** A dashboard read as the cache knows it: the contract and the payload a request becomes. */
export interface DashboardRequest {
  contract: RequestContract;
  payload: { tenantId: string } & Record<string, unknown>;
}

/**
 * The cached dashboard reads, one entry per route: how a request's query (and
 * path) becomes the payload sent to the cache-gateway. The controller and the
 * fast path both build requests here, so a fast-path hit is keyed exactly
 * like the entry the slow path stored. `undefined` = not a valid request
 * (the controller's pipes then answer with the field errors).
 */
export const DASHBOARD_READS: Readonly<
  Record<string, (tenantId: string, query: unknown, params: unknown) => DashboardRequest | undefined>
> = {
  '/v1/dashboard/summary': (tenantId, query) => {
    const q = monthQuerySchema.safeParse(query);
    return q.success ? summaryRequest(tenantId, q.data.month) : undefined;
  },
  '/v1/dashboard/stats': (tenantId, query) => {
    const q = statsQuerySchema.safeParse(query);
    return q.success ? statsRequest(tenantId, q.data) : undefined;
  },
  '/v1/dashboard/breakdown': (tenantId, query) => {
    const q = breakdownQuerySchema.safeParse(query);
    return q.success ? breakdownRequest(tenantId, q.data) : undefined;
  },
  '/v1/dashboard/trends': (tenantId, query) => {
    const q = trendsQuerySchema.safeParse(query);
    return q.success ? trendsRequest(tenantId, q.data) : undefined;
  },
  '/v1/dashboard/drill-down/:category': (tenantId, query, params) => {
    const category = categoryParamSchema.safeParse((params as { category?: unknown } | undefined)?.category);
    const q = drillDownQuerySchema.safeParse(query);
    return category.success && q.success ? drillDownRequest(tenantId, category.data, q.data) : undefined;
  },
};

/** Type-checks the payload against its contract where the request is built. */
const request = <C extends RequestContract>(contract: C, payload: RequestOf<C> & { tenantId: string }): DashboardRequest => ({
  contract,
  payload: payload as DashboardRequest['payload'],
});

export const summaryRequest = (tenantId: string, month: string) => request(getSummary, { tenantId, month });
export const statsRequest = (tenantId: string, query: StatsQuery) => request(getStats, { tenantId, ...query });
export const breakdownRequest = (tenantId: string, query: BreakdownQuery) => request(getBreakdown, { tenantId, ...query });
export const trendsRequest = (tenantId: string, query: TrendsQuery) => request(getTrends, { tenantId, query });
export const drillDownRequest = (tenantId: string, category: string, query: DrillDownQuery) =>
  request(getDrillDown, { tenantId, category, ...query });
