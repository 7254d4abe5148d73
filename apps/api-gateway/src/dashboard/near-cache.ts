import { cacheInvalidated, rollupsChanged } from '@ledgerline/contracts';
import { NatsBus, type RawReply } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

const lookups = new Counter({
  name: 'gateway_near_cache_lookups_total',
  help: 'Near-cache lookups in the api-gateway by route and outcome',
  labelNames: ['route', 'outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * The api-gateway's own small cache of hot dashboard replies, as the bytes
 * the cache-gateway sent (gzipped when large): a warm hit is one HTTP hop,
 * no NATS. Every replica drops a tenant's entries on the fan-out
 * invalidation event, and everything after a NATS reconnect (events may have
 * been missed); the TTL is only a safety net.
 */
@Injectable()
export class NearCache implements OnModuleInit {
  private readonly entries: LRUCache<string, RawReply>;
  private readonly keysByTenant = new Map<string, Set<string>>();
  /** Bumped per tenant on invalidation: a reply fetched across a bump is not stored. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.entries = new LRUCache({
      maxSize: config.NEAR_CACHE_MAX_BYTES,
      sizeCalculation: (reply, key) => reply.body.byteLength + key.length,
      ttl: config.NEAR_CACHE_TTL_MS,
      dispose: (_reply, key) => this.keysByTenant.get(tenantOf(key))?.delete(key),
    });
  }

  onModuleInit(): void {
    this.bus.subscribe(cacheInvalidated, ({ tenantId }) => this.dropTenant(tenantId));
    // Also straight from aggregation: with the cache-gateway down, its fan-out never comes.
    this.bus.subscribe(rollupsChanged, ({ tenantId, cachesInvalidated }) => {
      if (cachesInvalidated === false) this.dropTenant(tenantId);
    });
    this.bus.onReconnect(() => this.entries.clear());
  }

  /** `countMiss: false` for a probe whose miss the caller will look up again (and count) on its slow path. */
  get(route: string, tenantId: string, request: string, { countMiss = true } = {}): RawReply | undefined {
    const hit = this.entries.get(keyOf(tenantId, request));
    if (hit || countMiss) lookups.inc({ route, outcome: hit ? 'hit' : 'miss' });
    if (hit) trace.getActiveSpan()?.setAttributes({ 'cache.hit': true, 'cache.level': 'near' });
    return hit;
  }

  generation(tenantId: string): number {
    return this.generations.get(tenantId) ?? 0;
  }

  /** Stores a reply fetched while the tenant's generation was `generation`, unless it moved since. */
  set(tenantId: string, request: string, reply: RawReply, generation: number): void {
    if (this.generation(tenantId) !== generation) return;
    const key = keyOf(tenantId, request);
    this.entries.set(key, reply);
    let keys = this.keysByTenant.get(tenantId);
    if (!keys) this.keysByTenant.set(tenantId, (keys = new Set()));
    keys.add(key);
  }

  private dropTenant(tenantId: string): void {
    this.generations.set(tenantId, this.generation(tenantId) + 1);
    const keys = this.keysByTenant.get(tenantId);
    if (!keys) return;
    this.keysByTenant.delete(tenantId);
    for (const key of keys) this.entries.delete(key);
  }
}

const keyOf = (tenantId: string, request: string) => `${tenantId}\n${request}`;
const tenantOf = (key: string) => key.slice(0, key.indexOf('\n'));
