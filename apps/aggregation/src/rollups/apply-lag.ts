import { FreshnessBatcher, NatsBus, TopTenants } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import { Histogram } from 'prom-client';

/** The freshness stage this measures, as monitoring lists it beside the caches' levels. */
export const APPLIED = 'applied';
/** Tenants with a label of their own (the rest are "other"), like the caches' freshness histograms. */
const TOP_TENANTS = 10;
const FLUSH_MS = 1_000;

const applyLag = new Histogram({
  name: 'ledgerline_change_apply_lag_seconds',
  help: 'From a change committed in ingestion to its rollups committed and caches invalidated in aggregation; tenant is one of the top tenants by volume, else "other"',
  labelNames: ['tenant'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/**
 * Commit → applied per change: on /metrics per tenant (bounded), and to the
 * monitoring service as freshness samples (service aggregation, level applied),
 * the way the caches report commit → first served, so the SLO API lists the
 * stages side by side.
 */
@Injectable()
export class ApplyLag implements OnModuleInit, OnModuleDestroy {
  private readonly tenants = new TopTenants(TOP_TENANTS, 5_000, 10_000, (tenant) => applyLag.remove({ tenant }));
  private readonly batch: FreshnessBatcher;
  private timer: NodeJS.Timeout | undefined;

  constructor(bus: NatsBus) {
    this.batch = new FreshnessBatcher(bus, 'aggregation', `${hostname()}:${process.pid}`);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => this.batch.flush(), FLUSH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.batch.flush();
  }

  /** The tenant's changes just applied; `occurredAt` is taken inside the writer's transaction, just before its commit. */
  applied(tenantId: string, events: readonly { occurredAt: string }[]): void {
    const now = Date.now();
    for (const event of events) {
      this.tenants.count(tenantId, now);
      const lagMs = Math.max(0, now - Date.parse(event.occurredAt));
      const tenant = this.tenants.label(tenantId);
      applyLag.observe({ tenant }, lagMs / 1000);
      this.batch.add(APPLIED, tenant, lagMs);
    }
  }
}
