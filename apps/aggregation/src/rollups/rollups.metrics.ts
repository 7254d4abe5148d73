import { metricsRegistry } from '@ledgerline/runtime';
import { Histogram } from 'prom-client';

const applyLag = new Histogram({
  name: 'ledgerline_change_apply_lag_seconds',
  help: 'From a change committed in ingestion to its rollups committed and caches invalidated in aggregation',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/** Commit → applied for each change; `occurredAt` is taken inside the writer's transaction, just before its commit. */
export function recordApplied(events: readonly { occurredAt: string }[]): void {
  const now = Date.now();
  for (const event of events) applyLag.observe(Math.max(0, now - Date.parse(event.occurredAt)) / 1000);
}
