import { metricsRegistry } from '@ledgerline/runtime';
import { Histogram } from 'prom-client';
import type { NatsBus } from '../nats-bus';
import { rollupsChanged } from '@ledgerline/contracts';
import { FreshnessBatcher } from './freshness-batch';
import { DEFAULT_FRESHNESS_LIMITS, FreshnessTracker, type FreshnessSeries } from './freshness-tracker';

/** `ledgerline_change_visible_lag_seconds`, the one freshness histogram every serving service exports. */
export function visibleLagHistogram(help: string): Histogram<'level' | 'tenant'> {
  return new Histogram({
    name: 'ledgerline_change_visible_lag_seconds',
    help,
    labelNames: ['level', 'tenant'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  });
}

export interface FreshnessFeedOptions {
  service: string;
  replica: string;
  /** The levels this service serves from (`any` is added by the tracker). */
  levels: readonly string[];
  /** The series this service records and reports; all by default. */
  reported?: readonly FreshnessSeries[];
  topTenants: number;
  flushMs: number;
  /** Records a settled sample on the service's own /metrics. */
  observe: (series: FreshnessSeries, tenant: string, lagMs: number) => void;
  /** A tenant left the top tenants: drop its labelled series. */
  forget: (tenant: string) => void;
}

/**
 * A serving service's freshness stage, wired up: commits come with
 * aggregation's rollups events, `served` marks what this replica served, and on a timer the
 * settled samples go to /metrics (`observe`) and, batched, to the monitoring
 * service. The tracker does the bookkeeping; this is the plumbing each service
 * would otherwise repeat.
 */
export class FreshnessFeed {
  private readonly tracker: FreshnessTracker;
  private readonly batch: FreshnessBatcher;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly options: FreshnessFeedOptions,
  ) {
    this.batch = new FreshnessBatcher(bus, options.service, options.replica);
    const reported = options.reported && new Set(options.reported);
    this.tracker = new FreshnessTracker(
      options.levels,
      { ...DEFAULT_FRESHNESS_LIMITS, topTenants: options.topTenants },
      (series, tenant, lagMs) => {
        if (reported && !reported.has(series)) return;
        options.observe(series, tenant, lagMs);
        this.batch.add(series, tenant, lagMs);
      },
      options.forget,
    );
  }

  start(): void {
    // Told once applied, not at commit: one event per apply batch reaches every replica, instead of every
    // change's whole payload (a 10,000-row batch's deltas) reaching every gateway and cache for a timestamp.
    this.bus.subscribe(rollupsChanged, ({ tenantId, commits }) => {
      const now = Date.now();
      for (const c of commits ?? []) this.tracker.committed(tenantId, c.version, c.months, Date.parse(c.committedAt), now);
    });
    this.timer = setInterval(() => this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /** This replica served an answer reflecting `version` from `level`. */
  served(tenantId: string, version: string | undefined, months: readonly string[], level: string, nowMs: number): void {
    this.tracker.served(tenantId, version, months, level, nowMs);
  }

  private flush(): void {
    this.tracker.settleDue(Date.now());
    this.batch.flush();
  }
}
