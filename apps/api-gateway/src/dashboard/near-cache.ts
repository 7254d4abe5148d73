import { budgetChanged, nearCacheEntryAt, rollupsChanged, sampleNearCache, tenantConfigChanged, type NearCacheEntry } from '@ledgerline/contracts';
import { NatsBus, type RawReply } from '@ledgerline/messaging';
import { metricsRegistry } from '@ledgerline/runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LRUCache } from 'lru-cache';
import { Counter } from 'prom-client';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { NearCacheFreshness } from './near-cache-freshness';

const lookups = new Counter({
  name: 'gateway_near_cache_lookups_total',
  help: 'Near-cache lookups in the api-gateway by route and outcome',
  labelNames: ['route', 'outcome'] as const,
  registers: [metricsRegistry],
});

interface Entry {
  reply: RawReply;
  /** The upstream request it answers: what the auditor recomputes. */
  subject: string;
  payload: unknown;
  heldSinceMs: number;
  /** The trace of the request that stored it: the exemplar of an audit miss. */
  traceId: string | null;
  /** Served from here at least once: its version's changes were measured (first served from the near-cache). */
  served: boolean;
  /** When the consistency auditor last sampled it (0: never). */
  auditedAtMs: number;
}

/** Recently used entries looked at per audit sample: bounded work per sample, whatever the cache's size. */
const SAMPLE_SCAN = 256;

/**
 * The api-gateway's own small cache of hot dashboard replies, as the bytes
 * the cache-gateway sent (gzipped when large): a warm hit is one HTTP hop,
 * no NATS. Every replica drops a tenant's entries on the fan-out
 * invalidation event, and everything after a NATS reconnect (events may have
 * been missed); the TTL is only a safety net.
 */
@Injectable()
export class NearCache implements OnModuleInit {
  private readonly entries: LRUCache<string, Entry>;
  private readonly keysByTenant = new Map<string, Set<string>>();
  /** Bumped per tenant on invalidation: a reply fetched across a bump is not stored. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly bus: NatsBus,
    private readonly freshness: NearCacheFreshness,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.entries = new LRUCache({
      maxSize: config.NEAR_CACHE_MAX_BYTES,
      sizeCalculation: (entry, key) => entry.reply.body.byteLength + key.length,
      ttl: config.NEAR_CACHE_TTL_MS,
      dispose: (_reply, key) => this.keysByTenant.get(tenantOf(key))?.delete(key),
    });
  }

  onModuleInit(): void {
    // The owners' change events, published once the shared cache versions moved (or could not be): the
    // tenant's entries go before a writer or reader released by the same event can ask again.
    const drop = ({ tenantId }: { tenantId: string }) => this.dropTenant(tenantId);
    this.bus.subscribe(rollupsChanged, drop);
    this.bus.subscribe(budgetChanged, drop);
    this.bus.subscribe(tenantConfigChanged, drop);
    this.bus.onReconnect(() => this.entries.clear());
    // The cache-gateway's consistency auditor samples entries here, at its own budget (any replica), then re-asks the holder.
    const { replica } = this.freshness;
    this.bus.serve(sampleNearCache, async ({ key }) => ({ entry: this.sample(replica, key) }));
    this.bus.serve(nearCacheEntryAt(replica), async ({ key }) => ({ entry: this.sample(replica, key) }));
  }

  /** `countMiss: false` for a probe whose miss the caller will look up again (and count) on its slow path. */
  get(route: string, tenantId: string, request: string, { countMiss = true } = {}): RawReply | undefined {
    const hit = this.entries.get(keyOf(tenantId, request));
    if (hit || countMiss) lookups.inc({ route, outcome: hit ? 'hit' : 'miss' });
    if (!hit) return undefined;
    trace.getActiveSpan()?.setAttributes({ 'cache.hit': true, 'cache.level': 'near' });
    if (!hit.served) {
      // Once per entry: the hit path stays a flag check.
      hit.served = true;
      this.freshness.firstServed(tenantId, hit.reply.version);
    }
    return hit.reply;
  }

  generation(tenantId: string): number {
    return this.generations.get(tenantId) ?? 0;
  }

  /** Stores a reply to `upstream` fetched while the tenant's generation was `generation`, unless it moved since. */
  set(tenantId: string, request: string, reply: RawReply, generation: number, upstream: { subject: string; payload: unknown }): void {
    if (this.generation(tenantId) !== generation) return;
    const key = keyOf(tenantId, request);
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? null;
    this.entries.set(key, { reply, subject: upstream.subject, payload: upstream.payload, heldSinceMs: Date.now(), traceId, served: false, auditedAtMs: 0 });
    let keys = this.keysByTenant.get(tenantId);
    if (!keys) this.keysByTenant.set(tenantId, (keys = new Set()));
    keys.add(key);
  }

  /**
   * For the consistency auditor: with a key, the entry held under it; without,
   * of the SAMPLE_SCAN most recently used entries the least recently audited
   * (never audited first), so a hot entry gone stale is audited again.
   */
  sample(replica: string, key?: string): NearCacheEntry | null {
    let picked: [string, Entry] | undefined;
    if (key !== undefined) {
      const entry = this.entries.peek(key);
      if (entry) picked = [key, entry];
    } else {
      let scanned = 0;
      for (const [k, entry] of this.entries.entries()) {
        if (!picked || entry.auditedAtMs < picked[1].auditedAtMs) picked = [k, entry];
        if (entry.auditedAtMs === 0 || ++scanned >= SAMPLE_SCAN) break;
      }
      if (picked) picked[1].auditedAtMs = Date.now();
    }
    if (!picked) return null;
    const [k, { reply, subject, payload, heldSinceMs, traceId }] = picked;
    return {
      replica,
      key: k,
      subject,
      payload,
      version: reply.version ?? null,
      encoding: reply.encoding,
      body: Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength).toString('base64'),
      heldSinceMs,
      traceId,
    };
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
