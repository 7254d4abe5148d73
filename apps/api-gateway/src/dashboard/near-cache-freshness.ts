import { changeCommitted, DEFAULT_FRESHNESS_LIMITS, FreshnessBatcher, FreshnessTracker, NatsBus } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import { Histogram } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const NEAR = 'near';

const visibleLag = new Histogram({
  name: 'ledgerline_change_visible_lag_seconds',
  help: 'From a change committed in ingestion to the first reply reflecting it served from this api-gateway near-cache (level near); tenant is one of the top tenants by volume, else "other"',
  labelNames: ['level', 'tenant'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/**
 * The near-cache's freshness stage: commit → first served from the near-cache,
 * per change, on /metrics and to the monitoring service (service api-gateway,
 * level near), like the cache-gateway's levels. The near-cache reports an
 * entry's first hit only (the hit path stays a flag check), so no exposure is
 * measured here: that needs every reply, which the cache-gateway sees.
 */
@Injectable()
export class NearCacheFreshness implements OnModuleInit, OnModuleDestroy {
  readonly replica = `${hostname()}:${process.pid}`;
  private readonly tracker: FreshnessTracker;
  private readonly batch: FreshnessBatcher;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.batch = new FreshnessBatcher(bus, 'api-gateway', this.replica);
    this.tracker = new FreshnessTracker(
      [NEAR],
      { ...DEFAULT_FRESHNESS_LIMITS, topTenants: config.FRESHNESS_TOP_TENANTS },
      (series, tenant, lagMs) => {
        // `any` is `near` here (the only level), and exposure is not measured (see above).
        if (series !== NEAR) return;
        visibleLag.observe({ level: NEAR, tenant }, lagMs / 1000);
        this.batch.add(NEAR, tenant, lagMs);
      },
      (tenant) => visibleLag.remove({ level: NEAR, tenant }),
    );
  }

  onModuleInit(): void {
    this.bus.subscribe(changeCommitted, (change) =>
      this.tracker.committed(change.tenantId, change.version, change.months, Date.parse(change.occurredAt), Date.now()),
    );
    this.timer = setInterval(() => this.flush(), this.config.FRESHNESS_FLUSH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /** A near-cache entry reflecting `version` was served for the first time. */
  firstServed(tenantId: string, version: string | undefined): void {
    this.tracker.served(tenantId, version, [], NEAR, Date.now());
  }

  private flush(): void {
    this.tracker.settleDue(Date.now());
    this.batch.flush();
  }
}
