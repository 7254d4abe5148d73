import type { AuditOutcome } from '@ledgerline/contracts';
import { EXPOSURE, visibleLagHistogram, type FreshnessSeries } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { Counter, Histogram } from 'prom-client';

const visibleLag = visibleLagHistogram(
  'From a change committed in ingestion to the first reply reflecting it served by this cache, per level (any: the first of all levels); tenant is one of the top tenants by volume, else "other"',
);

const exposure = new Histogram({
  name: 'ledgerline_change_stale_exposure_seconds',
  help: 'Per change read: how long after its commit a reader of the months it touched was still served figures without it (0: none was); the freshness SLO indicator',
  labelNames: ['tenant'] as const,
  buckets: [0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

const audits = new Counter({
  name: 'ledgerline_cache_audits_total',
  help: 'Cached answers audited against a recomputation from the source, by served level and outcome (stale and mismatch are misses)',
  labelNames: ['level', 'outcome'] as const,
  registers: [metricsRegistry],
});

export function recordFreshness(series: FreshnessSeries, tenant: string, lagMs: number): void {
  if (series === EXPOSURE) exposure.observe({ tenant }, lagMs / 1000);
  else visibleLag.observe({ level: series, tenant }, lagMs / 1000);
}

/** A tenant left the top: its series go, so the label's cardinality stays bounded. */
export function forgetTenant(tenant: string): void {
  for (const level of ['any', 'l1', 'l2', 'upstream'] as const) visibleLag.remove({ level, tenant });
  exposure.remove({ tenant });
}

export function recordAudit(level: string, outcome: AuditOutcome): void {
  audits.inc({ level, outcome });
}
