import {
  calculateProvisions,
  getBreakdown,
  getDrillDown,
  getStats,
  getSummary,
  getTrends,
  listBudgets,
  listFixedLines,
  listProvisions,
  monthsBetween,
  previousMonth,
  type ParsedRequestOf,
  type RequestContract,
} from '@ledgerline/contracts';
import type { CacheScope } from './cache-versions';

/** One upstream read the cache-gateway fronts, and what its reply depends on. */
export interface CachedRead<C extends RequestContract = RequestContract> {
  /** Label for metrics and span attributes. */
  route: string;
  upstream: C;
  scope(request: ParsedRequestOf<C>): CacheScope;
}

const read = <C extends RequestContract>(route: string, upstream: C, scope: (request: ParsedRequestOf<C>) => CacheScope): CachedRead =>
  ({ route, upstream, scope }) as unknown as CachedRead;

/**
 * Every dashboard and provisions read. Month-scoped reads depend on their
 * months' rollups; every key also carries the tenant-wide version, which
 * budget and config changes bump (they change summaries of every month).
 */
export const CACHED_READS: readonly CachedRead[] = [
  read('dashboard.summary', getSummary, (r) => ({ tenantId: r.tenantId, months: [r.month] })),
  read('dashboard.breakdown', getBreakdown, (r) => ({ tenantId: r.tenantId, months: [r.month] })),
  read('dashboard.drill-down', getDrillDown, (r) => ({ tenantId: r.tenantId, months: [r.month] })),
  read('dashboard.trends', getTrends, (r) => ({ tenantId: r.tenantId, months: monthsBetween(r.query.from, r.query.to) })),
  read('dashboard.stats', getStats, (r) => ({ tenantId: r.tenantId, months: [previousMonth(r.month), r.month] })),
  read('provisions.calculate', calculateProvisions, (r) => ({ tenantId: r.tenantId, months: [] })),
  read('provisions.fixed-lines', listFixedLines, (r) => ({ tenantId: r.tenantId, months: [] })),
  read('provisions.provisions', listProvisions, (r) => ({ tenantId: r.tenantId, months: [] })),
  read('budgets.list', listBudgets, (r) => ({ tenantId: r.tenantId, months: [] })),
];
