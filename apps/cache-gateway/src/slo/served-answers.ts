import type { ParsedRequestOf, RequestContract } from '@ledgerline/contracts';
import { FreshnessFeed, NatsBus, type RawReply } from '@ledgerline/messaging';
import { trace } from '@opentelemetry/api';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import type { CacheGatewayConfig } from '../config';
import type { CacheScope } from '../cache/cache-versions';
import type { CacheLevel } from '../cache/cache.metrics';
import type { CachedRead } from '../cache/cached-reads';
import { CACHE_GATEWAY_CONFIG } from '../tokens';
import { forgetTenant, recordFreshness } from './slo.metrics';

/** One answer this replica served, as the auditor samples it. */
export interface ServedAnswer {
  read: CachedRead;
  request: unknown;
  tenantId: string;
  key: string;
  reply: RawReply;
  level: CacheLevel;
  /** When this replica first held the entry. */
  heldSinceMs: number;
  traceId: string | null;
}

/**
 * Every answer the cache serves passes here: freshness (commit → first served)
 * and the auditor's sample of recently served keys. Both are O(1) per read.
 */
@Injectable()
export class ServedAnswers implements OnModuleInit, OnModuleDestroy {
  readonly replica: string;
  private readonly freshness: FreshnessFeed;
  /** Recently served keys, least recently served first; the auditor takes from the front. */
  private readonly recent = new Map<string, ServedAnswer>();
  private readonly heldSince = new WeakMap<RawReply, number>();

  constructor(
    @Inject(CACHE_GATEWAY_CONFIG) private readonly config: CacheGatewayConfig,
    bus: NatsBus,
  ) {
    this.replica = `${hostname()}:${process.pid}`;
    this.freshness = new FreshnessFeed(bus, {
      service: 'cache-gateway',
      replica: this.replica,
      levels: ['l1', 'l2', 'upstream'],
      topTenants: config.FRESHNESS_TOP_TENANTS,
      flushMs: config.FRESHNESS_FLUSH_MS,
      observe: recordFreshness,
      forget: forgetTenant,
    });
  }

  onModuleInit(): void {
    this.freshness.start();
  }

  onModuleDestroy(): void {
    this.freshness.stop();
  }

  served<C extends RequestContract>(
    read: CachedRead<C>,
    request: ParsedRequestOf<C>,
    scope: CacheScope,
    key: string,
    reply: RawReply,
    level: CacheLevel,
  ): void {
    const now = Date.now();
    const { tenantId } = scope;
    this.freshness.served(tenantId, reply.version, scope.months, level, now);
    if (this.config.CACHE_AUDIT_PER_SECOND === 0) return;
    let heldSinceMs = this.heldSince.get(reply);
    if (heldSinceMs === undefined) this.heldSince.set(reply, (heldSinceMs = now));
    this.recent.delete(key);
    const traceId = trace.getActiveSpan()?.spanContext().traceId ?? null;
    this.recent.set(key, { read: read as unknown as CachedRead, request, tenantId, key, reply, level, heldSinceMs, traceId });
    if (this.recent.size > this.config.CACHE_AUDIT_SAMPLE_KEYS) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** The least recently served answer not audited since it was served, if any. */
  takeSample(): ServedAnswer | undefined {
    const first = this.recent.values().next();
    if (first.done) return undefined;
    this.recent.delete(first.value.key);
    return first.value;
  }
}
