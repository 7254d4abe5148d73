import {
  isAuditCounted,
  isAuditMiss,
  parseDuration,
  type AuditMiss,
  type CacheAudit,
  type ConsistencyWindow,
  type FreshnessBatch,
  type FreshnessWindow,
} from '@ledgerline/contracts';
import { round } from '../latency/latency-tracker';
import { CounterWindow, SlidingWindow } from '../latency/window-stats';
import { consistencyOf } from './nines';

/** Series beyond this many fold away (dropped): memory stays bounded under a cardinality bug. */
const MAX_SERIES = 100;
/** Misses kept for the status page and alert summaries. */
export const MISSES_KEPT = 200;

interface FreshnessSeries {
  service: string;
  level: string;
  windows: Map<string, { lag: SlidingWindow; within: Map<number, CounterWindow> }>;
}

interface ConsistencySeries {
  service: string;
  windows: Map<string, CounterWindow>;
}

/**
 * Freshness lag and cache consistency over the configured sliding windows,
 * fed by the caches' events (placed by receive time, like spans). Freshness
 * also counts, per SLO threshold, the changes first served within it: the
 * burn-rate rules read those counts.
 */
export class SloTracker {
  readonly windowNames: string[];
  private readonly freshness = new Map<string, FreshnessSeries>();
  private readonly consistency = new Map<string, ConsistencySeries>();
  private readonly misses: (AuditMiss & { atMs: number })[] = [];

  constructor(
    windowNames: readonly string[],
    private readonly thresholdsMs: readonly number[],
    /** The threshold shown when no rule names one (SPEC: visible within 100 ms). */
    readonly defaultThresholdMs = 100,
  ) {
    this.windowNames = [...new Set(windowNames)];
    if (!this.thresholdsMs.includes(defaultThresholdMs)) this.thresholdsMs = [...thresholdsMs, defaultThresholdMs];
  }

  observeFreshness(batch: FreshnessBatch, nowMs: number): void {
    for (const sample of batch.samples) {
      const series = this.freshnessSeries(batch.service, sample.level);
      if (!series) continue;
      for (const w of series.windows.values()) {
        w.lag.record(nowMs, sample.lagMs, false, null);
        for (const [threshold, counter] of w.within) counter.record(nowMs, sample.lagMs <= threshold);
      }
    }
  }

  observeAudit(audit: CacheAudit, nowMs: number): void {
    if (!isAuditCounted(audit.outcome)) return;
    const miss = isAuditMiss(audit.outcome);
    const series = this.consistencySeries(audit.service);
    if (series) for (const w of series.windows.values()) w.record(nowMs, !miss);
    if (miss) {
      const { service, replica, route, level, key, outcome, entryVersion, sourceVersion, ageMs, traceId, auditedAt } = audit;
      this.misses.unshift({
        service,
        replica,
        route,
        level,
        key,
        outcome,
        entryVersion,
        sourceVersion,
        ageMs,
        traceId,
        auditedAt,
        atMs: nowMs,
      });
      if (this.misses.length > MISSES_KEPT) this.misses.length = MISSES_KEPT;
    }
  }

  has(windowName: string): boolean {
    return this.windowNames.includes(windowName);
  }

  freshnessWindows(windowName: string, nowMs: number, thresholdMs = this.defaultThresholdMs): (FreshnessWindow & { slow: number })[] {
    const out: (FreshnessWindow & { slow: number })[] = [];
    for (const series of this.freshness.values()) {
      const w = series.windows.get(windowName);
      if (!w) continue;
      const lag = w.lag.summary(nowMs, 0);
      if (lag.count === 0) continue;
      const counts = w.within.get(thresholdMs)?.totals(nowMs);
      const total = counts ? counts.hits + counts.misses : 0;
      out.push({
        service: series.service,
        level: series.level,
        count: lag.count,
        p50Ms: round(lag.p50Ms, 2),
        p99Ms: round(lag.p99Ms, 2),
        maxMs: round(lag.maxMs, 2),
        withinThreshold: total === 0 ? null : round((counts?.hits ?? 0) / total, 4),
        thresholdMs,
        slow: counts?.misses ?? 0,
      });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.level.localeCompare(b.level));
  }

  consistencyWindows(windowName: string, nowMs: number): ConsistencyWindow[] {
    const out: ConsistencyWindow[] = [];
    for (const series of this.consistency.values()) {
      const w = series.windows.get(windowName);
      if (!w) continue;
      const { hits, misses } = w.totals(nowMs);
      if (hits + misses === 0) continue;
      out.push({ service: series.service, audited: hits + misses, misses, ...consistencyOf(hits + misses, misses) });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Misses, newest first; with a window, only those received within it. */
  lastMisses(limit: number, windowName?: string, nowMs = Date.now(), service?: string): AuditMiss[] {
    const since = windowName === undefined ? -Infinity : nowMs - parseDuration(windowName);
    return this.misses
      .filter((m) => m.atMs > since && (service === undefined || m.service === service))
      .slice(0, limit)
      .map(({ atMs: _atMs, ...miss }) => miss);
  }

  private freshnessSeries(service: string, level: string): FreshnessSeries | undefined {
    const key = `${service}\u0000${level}`;
    let series = this.freshness.get(key);
    if (!series && this.freshness.size < MAX_SERIES) {
      series = {
        service,
        level,
        windows: new Map(
          this.windowNames.map((n) => [
            n,
            {
              lag: new SlidingWindow(parseDuration(n)),
              within: new Map(this.thresholdsMs.map((t) => [t, new CounterWindow(parseDuration(n))])),
            },
          ]),
        ),
      };
      this.freshness.set(key, series);
    }
    return series;
  }

  private consistencySeries(service: string): ConsistencySeries | undefined {
    let series = this.consistency.get(service);
    if (!series && this.consistency.size < MAX_SERIES) {
      series = { service, windows: new Map(this.windowNames.map((n) => [n, new CounterWindow(parseDuration(n))])) };
      this.consistency.set(service, series);
    }
    return series;
  }
}
