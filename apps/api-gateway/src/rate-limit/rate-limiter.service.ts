import { AppError } from '@ledgerline/contracts';
import { metricsRegistry, shutDownRedis } from '@ledgerline/runtime';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { GATEWAY_CONFIG, RATE_LIMIT_REDIS } from '../tokens';
import type { GatewayConfig } from '../config';
import { decide, emissionIntervalUs, type RateLimit, type RateLimitDecision } from './gcra';
import { rateLimitHeaders } from './headers';
import { randomUUID } from 'node:crypto';
import { LocalGcraStore, LocalWindowStore } from './local-gcra.store';
import { decideWindow } from './sliding-window';
import { RedisGcraStore, type Redis } from './rate-limit.redis';
import { ReplicaPresence } from './replica-presence';
import { fallbackLimit, type RouteClass } from './route-class';

const decisions = new Counter({
  name: 'gateway_rate_limit_decisions_total',
  help: 'Rate-limit decisions by route class, outcome and where they were taken (redis or the local fallback)',
  labelNames: ['class', 'outcome', 'store'] as const,
  registers: [metricsRegistry],
});

/** What an admitted request was charged, so it can be taken back if the server fails it (see refund). */
export type Charge = { store: 'redis' | 'local'; key: string } & (
  { kind: 'gcra'; intervalUs: number } | { kind: 'window'; member: string; admittedAtUs: number }
);

const refunds = new Counter({
  name: 'gateway_rate_limit_refunds_total',
  help: 'Charges taken back in Redis because the request failed on the server side (5xx)',
  registers: [metricsRegistry],
});

export interface Admission {
  decision: RateLimitDecision;
  headers: Record<string, string>;
  store: 'redis' | 'local';
  /** Set when the request was admitted. */
  charge?: Charge;
}

/**
 * Per-key, per-route-class limits shared by every replica through one GCRA
 * bucket in Redis (imports: one sliding-window log, for "at most N in any
 * rolling window"). When Redis is unreachable or slow the request is decided by
 * an in-process bucket holding this replica's share of the limit (÷ the live
 * replica count, see ReplicaPresence), and the next
 * request tries Redis again: no restart, no open door, no outage.
 */
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly shared: RedisGcraStore;
  private readonly local = new LocalGcraStore();
  private readonly localWindows = new LocalWindowStore();

  constructor(
    @Inject(RATE_LIMIT_REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly presence: ReplicaPresence,
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
    if (routeClass === 'imports') return this.admitWindow(routeClass, key, limit);
    if (this.shared.available) {
      const interval = emissionIntervalUs(limit);
      try {
        const outcome = await this.shared.step(key, interval, limit.burst);
        return this.admission(routeClass, decide(outcome, interval, limit.burst), {
          store: 'redis',
          key,
          kind: 'gcra',
          intervalUs: interval,
        });
      } catch {
        // Timed out or dropped mid-command: decide locally below (the client's error handler logs the outage).
      }
    }
    const local = fallbackLimit(limit, this.presence.count());
    const interval = emissionIntervalUs(local);
    const decision = decide(this.local.step(key, interval, local.burst), interval, local.burst);
    return this.admission(routeClass, decision, { store: 'local', key, kind: 'gcra', intervalUs: interval });
  }

  /** `count` admissions in any rolling `periodMs`, exactly, for the whole fleet. */
  private async admitWindow(routeClass: RouteClass, key: string, limit: RateLimit): Promise<Admission> {
    const windowUs = limit.periodMs * 1_000;
    if (this.shared.available) {
      const member = randomUUID();
      try {
        const outcome = await this.shared.windowStep(key, windowUs, limit.count, member);
        const decision = decideWindow(outcome, windowUs, limit.count);
        return this.admission(routeClass, decision, { store: 'redis', key, kind: 'window', member, admittedAtUs: 0 });
      } catch {
        // As for GCRA: decide locally with this replica's share.
      }
    }
    const share = Math.max(1, Math.ceil(limit.count / this.presence.count()));
    const outcome = this.localWindows.step(key, windowUs, share);
    const decision = decideWindow(outcome, windowUs, share);
    return this.admission(routeClass, decision, { store: 'local', key, kind: 'window', member: '', admittedAtUs: outcome.admittedAtUs });
  }

  /**
   * Takes a charge back, exactly and atomically (one script in Redis): a
   * request that failed for a reason on the server's side costs the client
   * nothing. Refunding after the fact rather than charging after the outcome
   * keeps concurrent requests from all passing a check none has paid for yet.
   * Best effort: with Redis unreachable the charge stays.
   */
  async refund(charge: Charge): Promise<void> {
    if (charge.store === 'local') {
      if (charge.kind === 'gcra') this.local.refund(charge.key, charge.intervalUs);
      else this.localWindows.refund(charge.key, charge.admittedAtUs);
      return;
    }
    try {
      if (charge.kind === 'gcra') await this.shared.refund(charge.key, charge.intervalUs);
      else await this.shared.windowRefund(charge.key, charge.member);
      refunds.inc();
    } catch {
      // Redis is gone or slow: the client keeps the charge rather than the response waiting on it.
    }
  }

  /** Like admit, but a rejection is thrown as a 429 problem (the headers are still for the response). */
  async enforce(
    routeClass: RouteClass,
    partition: string,
    setHeaders: (h: Record<string, string>) => void,
    tenantId?: string,
  ): Promise<Charge | undefined> {
    const admission = await this.admit(routeClass, partition, tenantId);
    setHeaders(admission.headers);
    if (!admission.decision.allowed) throw rateLimited(routeClass, admission.decision);
    return admission.charge;
  }

  private admission(routeClass: RouteClass, decision: RateLimitDecision, charge: Charge): Admission {
    decisions.inc({ class: routeClass, outcome: decision.allowed ? 'allowed' : 'rejected', store: charge.store });
    return { decision, headers: rateLimitHeaders(routeClass, decision), store: charge.store, ...(decision.allowed ? { charge } : {}) };
  }

  async onApplicationShutdown(): Promise<void> {
    shutDownRedis(this.redis);
  }
}

/** The 429 problem for a rejected admission. */
export const rateLimited = (routeClass: RouteClass, decision: RateLimitDecision): AppError =>
  new AppError(
    'rate-limited',
    `Rate limit for ${routeClass} exceeded (${decision.limit} per ${decision.windowSeconds} s); retry in ${decision.retryAfterSeconds} s.`,
  );
