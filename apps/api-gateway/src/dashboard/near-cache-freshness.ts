import { FreshnessFeed, NatsBus, visibleLagHistogram } from '@ledgerline/messaging';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';

export const NEAR = 'near';

const visibleLag = visibleLagHistogram(
  'From a change committed in ingestion to the first reply reflecting it served from this api-gateway near-cache (level near); tenant is one of the top tenants by volume, else "other"',
);

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
  private readonly feed: FreshnessFeed;

  constructor(bus: NatsBus, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.feed = new FreshnessFeed(bus, {
      service: 'api-gateway',
      replica: this.replica,
      levels: [NEAR],
      // `any` is `near` here (the only level), and exposure is not measured (see above).
      reported: [NEAR],
      topTenants: config.FRESHNESS_TOP_TENANTS,
      flushMs: config.FRESHNESS_FLUSH_MS,
      observe: (_series, tenant, lagMs) => visibleLag.observe({ level: NEAR, tenant }, lagMs / 1000),
      forget: (tenant) => visibleLag.remove({ level: NEAR, tenant }),
    });
  }

  onModuleInit(): void {
    this.feed.start();
  }

  onModuleDestroy(): void {
    this.feed.stop();
  }

  /** A near-cache entry reflecting `version` was served for the first time. */
  firstServed(tenantId: string, version: string | undefined): void {
    this.feed.served(tenantId, version, [], NEAR, Date.now());
  }
}
