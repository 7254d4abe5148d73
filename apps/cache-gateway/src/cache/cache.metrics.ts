import { metricsRegistry } from '@ledgerline/runtime';
import { trace } from '@opentelemetry/api';
import { Counter } from 'prom-client';

export type CacheLevel = 'l1' | 'l2' | 'upstream';
export type CacheOutcome = 'hit' | 'miss' | 'stale';

const lookups = new Counter({
  name: 'cache_lookups_total',
  help: 'Cache lookups by route, level and outcome (stale: served an older entry because the upstream failed)',
  labelNames: ['route', 'level', 'outcome'] as const,
  registers: [metricsRegistry],
});

const recomputes = new Counter({
  name: 'cache_recomputes_total',
  help: 'Upstream computations caused by cache misses, by route',
  labelNames: ['route'] as const,
  registers: [metricsRegistry],
});

/** Counts the lookup and tags the current span, so the monitoring service can derive hit ratios from traces. */
export function recordLookup(route: string, level: CacheLevel, outcome: CacheOutcome): void {
  lookups.inc({ route, level, outcome });
  if (level === 'upstream') recomputes.inc({ route });
  trace.getActiveSpan()?.setAttributes({ 'cache.hit': outcome !== 'miss', 'cache.level': level, 'cache.outcome': outcome });
}
