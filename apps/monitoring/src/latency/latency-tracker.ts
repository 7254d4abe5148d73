import { parseDuration, type CacheEfficiency, type RouteLatency } from '@ledgerline/contracts';
import { STREAM_ATTRIBUTE, SYNTHETIC_ATTRIBUTE } from '@ledgerline/telemetry';
import type { ReceivedSpan } from '../traces/otlp-json';
import { CounterWindow, SlidingWindow, type WindowSummary } from './window-stats';

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;
/** Routes beyond this many (per process) fold into one key so memory stays bounded under cardinality bugs. */
export const MAX_ROUTES = 300;
export const OVERFLOW_ROUTE = '(other routes)';

interface RouteSeries {
  service: string;
  route: string;
  windows: Map<string, SlidingWindow>;
}

interface CacheSeries {
  service: string;
  level: string;
  windows: Map<string, CounterWindow>;
}

export interface RouteWindow extends WindowSummary {
  service: string;
  route: string;
}

/**
 * The route a server span stands for: `METHOD /path/{param}` for HTTP, the
 * subject for NATS. None for a stream's span (live dashboards): it lasts as
 * long as the client stays connected, which is not a latency.
 */
export function routeOf(span: ReceivedSpan): string | null {
  if (span.kind !== SPAN_KIND_SERVER && span.kind !== SPAN_KIND_CONSUMER) return null;
  if (span.attributes[STREAM_ATTRIBUTE] === true) return null;
  if (!span.route) return null;
  const method = span.attributes['http.request.method'] ?? span.attributes['http.method'];
  return method === undefined ? span.route : `${String(method)} ${span.route}`;
}

/**
 * Latency, errors and cache hits per service and route over every configured
 * sliding window. Spans are placed by the time they are received, not their
 * own timestamps: exporters batch for at most seconds, and receive time is
 * immune to clock skew between hosts.
 *
 * Synthetic load (spans tagged synthetic_request, from W3C baggage the k6
 * suites send) goes to a tracker of its own, `synthetic`: everything that
 * judges the service (rules, the status page, the report) reads this one only,
 * so a load test never burns the real error budget or fires a user-facing alert.
 */
export class LatencyTracker {
  private readonly routes = new Map<string, RouteSeries>();
  private readonly caches = new Map<string, CacheSeries>();
  readonly windowNames: string[];
  /** Synthetic traffic, kept apart; null on the synthetic tracker itself. */
  readonly synthetic: LatencyTracker | null;

  constructor(windowNames: readonly string[], traffic: 'real' | 'synthetic' = 'real') {
    this.windowNames = [...new Set(windowNames)].sort((a, b) => parseDuration(a) - parseDuration(b));
    this.synthetic = traffic === 'real' ? new LatencyTracker(windowNames, 'synthetic') : null;
  }

  /** Records the spans; returns the trace ids that became exemplars (their spans are worth keeping). */
  observe(spans: readonly ReceivedSpan[], nowMs: number): Set<string> {
    const exemplars = new Set<string>();
    const synthetic: ReceivedSpan[] = [];
    for (const span of spans) {
      if (this.synthetic && span.attributes[SYNTHETIC_ATTRIBUTE] === true) {
        synthetic.push(span);
        continue;
      }
      const hit = span.attributes['cache.hit'];
      if (typeof hit === 'boolean')
        this.cacheSeries(span.service, String(span.attributes['cache.level'] ?? 'default')).forEach((w) => w.record(nowMs, hit));
      const route = routeOf(span);
      if (route === null) continue;
      const durationMs = Number(span.durationNanos) / 1e6;
      for (const w of this.routeSeries(span.service, route).windows.values()) {
        if (w.record(nowMs, durationMs, span.error, span.traceId)) exemplars.add(span.traceId);
      }
    }
    if (synthetic.length > 0 && this.synthetic) for (const id of this.synthetic.observe(synthetic, nowMs)) exemplars.add(id);
    return exemplars;
  }

  has(windowName: string): boolean {
    return this.windowNames.includes(windowName);
  }

  routeWindows(windowName: string, nowMs: number): RouteWindow[] {
    const out: RouteWindow[] = [];
    for (const series of this.routes.values()) {
      const window = series.windows.get(windowName);
      if (!window) continue;
      const summary = window.summary(nowMs);
      if (summary.count > 0) out.push({ service: series.service, route: series.route, ...summary });
    }
    return out;
  }

  routeLatency(windowName: string, nowMs: number): RouteLatency[] {
    const seconds = parseDuration(windowName) / 1000;
    return this.routeWindows(windowName, nowMs)
      .map((w) => ({
        service: w.service,
        route: w.route,
        count: w.count,
        rate: round(w.count / seconds, 3),
        errorRate: round(w.errors / w.count, 4),
        p50Ms: round(w.p50Ms, 2),
        p95Ms: round(w.p95Ms, 2),
        p99Ms: round(w.p99Ms, 2),
        maxMs: round(w.maxMs, 2),
        exemplars: w.exemplars.map((e) => ({ traceId: e.traceId, durationMs: round(e.durationMs, 2) })),
      }))
      .sort((a, b) => b.p95Ms - a.p95Ms || a.route.localeCompare(b.route));
  }

  cacheEfficiency(windowName: string, nowMs: number): CacheEfficiency[] {
    const out: CacheEfficiency[] = [];
    for (const series of this.caches.values()) {
      const window = series.windows.get(windowName);
      if (!window) continue;
      const { hits, misses } = window.totals(nowMs);
      if (hits + misses === 0) continue;
      out.push({ service: series.service, level: series.level, hits, misses, hitRatio: round(hits / (hits + misses), 4) });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.level.localeCompare(b.level));
  }

  private routeSeries(service: string, route: string): RouteSeries {
    let key = `${service}\u0000${route}`;
    let series = this.routes.get(key);
    if (series) return series;
    if (this.routes.size >= MAX_ROUTES) {
      key = `${service}\u0000${OVERFLOW_ROUTE}`;
      series = this.routes.get(key);
      if (series) return series;
      route = OVERFLOW_ROUTE;
    }
    series = { service, route, windows: new Map(this.windowNames.map((n) => [n, new SlidingWindow(parseDuration(n))])) };
    this.routes.set(key, series);
    return series;
  }

  private cacheSeries(service: string, level: string): CounterWindow[] {
    const key = `${service}\u0000${level}`;
    let series = this.caches.get(key);
    if (!series && this.caches.size < MAX_ROUTES) {
      series = { service, level, windows: new Map(this.windowNames.map((n) => [n, new CounterWindow(parseDuration(n))])) };
      this.caches.set(key, series);
    }
    return series ? [...series.windows.values()] : [];
  }
}

export const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
