import { AppError } from '@ledgerline/contracts';
import { metricsRegistry } from '@ledgerline/runtime';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { decide, emissionIntervalUs, type RateLimit, type RateLimitDecision } from './gcra';
import { rateLimitHeaders } from './headers';
import { LocalGcraStore } from './local-gcra.store';
import { RATE_LIMIT_REDIS, RedisGcraStore, type Redis } from './rate-limit.redis';
import { fallbackLimit, type RouteClass } from './route-class';

const decisions = new Counter({
  name: 'gateway_rate_limit_decisions_total',
  help: 'Rate-limit decisions by route class, outcome and where they were taken (redis or the local fallback)',
  labelNames: ['class', 'outcome', 'store'] as const,
  registers: [metricsRegistry],
});

export interface Admission {
  decision: RateLimitDecision;
  headers: Record<string, string>;
  store: 'redis' | 'local';
}

/**
 * Per-key, per-route-class limits shared by every replica through one GCRA
 * bucket in Redis. When Redis is unreachable or slow the request is decided by
 * an in-process bucket holding this replica's share of the limit, and the next
 * request tries Redis again: no restart, no open door, no outage.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly shared: RedisGcraStore;
  private readonly local = new LocalGcraStore();

  constructor(
    @Inject(RATE_LIMIT_REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.shared = new RedisGcraStore(redis, config.RATE_LIMIT_REDIS_TIMEOUT_MS);
  }

  limitFor(routeClass: RouteClass, tenantId?: string): RateLimit {
    const override = tenantId && routeClass !== 'anonymous' ? this.config.RATE_LIMIT_TENANT_OVERRIDES[tenantId]?.[routeClass] : undefined;
    if (override) return override;
    switch (routeClass) {
      case 'reads':
        return this.config.RATE_LIMIT_READS;
      case 'writes':
        return this.config.RATE_LIMIT_WRITES;
      case 'imports':
        return this.config.RATE_LIMIT_IMPORTS;
      case 'anonymous':
        return this.config.RATE_LIMIT_ANONYMOUS;
    }
  }

  /** Takes one request from the bucket; the headers are for every response, allowed or not. */
  async admit(routeClass: RouteClass, partition: string, tenantId?: string): Promise<Admission> {
    const limit = this.limitFor(routeClass, tenantId);
    const key = `rl:${routeClass}:${partition}`;
    if (this.shared.available) {
      const interval = emissionIntervalUs(limit);
      try {
        const outcome = await this.shared.step(key, interval, limit.burst);
        return this.admission(routeClass, decide(outcome, interval, limit.burst), 'redis');
      } catch {
        // Timed out or dropped mid-command: decide locally below (the client's error handler logs the outage).
      }
    }
    const local = fallbackLimit(limit, this.config.RATE_LIMIT_FALLBACK_REPLICAS);
    const interval = emissionIntervalUs(local);
    return this.admission(routeClass, decide(this.local.step(key, interval, local.burst), interval, local.burst), 'local');
  }

  /** Like admit, but a rejection is thrown as a 429 problem (the headers are still for the response). */
  async enforce(
    routeClass: RouteClass,
    partition: string,
    setHeaders: (h: Record<string, string>) => void,
    tenantId?: string,
  ): Promise<void> {
    const admission = await this.admit(routeClass, partition, tenantId);
    setHeaders(admission.headers);
    if (!admission.decision.allowed) {
      throw new AppError(
        'rate-limited',
        `Rate limit for ${routeClass} exceeded (${admission.decision.limit} per ${admission.decision.windowSeconds} s); retry in ${admission.decision.retryAfterSeconds} s.`,
      );
    }
  }

  private admission(routeClass: RouteClass, decision: RateLimitDecision, store: 'redis' | 'local'): Admission {
    decisions.inc({ class: routeClass, outcome: decision.allowed ? 'allowed' : 'rejected', store });
    return { decision, headers: rateLimitHeaders(routeClass, decision), store };
  }

  async onApplicationShutdown(): Promise<void> {
    // close() waits for replies; a reconnecting client has none coming, so it is destroyed instead.
    if (this.redis.isReady) await this.redis.close().catch(() => undefined);
    else if (this.redis.isOpen) this.redis.destroy();
  }
}
