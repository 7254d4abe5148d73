import type { CacheEfficiency, PerformanceReport, ReportSpan, RouteLatency } from '@ledgerline/contracts';
import { round } from '../latency/latency-tracker';
import type { ReceivedSpan } from '../traces/otlp-json';

const SLOWEST_ROUTES = 5;
const SPANS_PER_EXEMPLAR = 5;
/** Routes this slow (p95) are worth a recommendation even without an alert. */
const SLOW_ROUTE_MS = 200;
const LOW_HIT_RATIO = 0.7;
const REPEATED_QUERY_COUNT = 10;

export interface SpanWithSelf extends ReportSpan {
  selfMs: number;
  attributes: ReceivedSpan['attributes'];
}

/** Each span's own time: its duration minus the part covered by its children. */
export function selfTimes(spans: readonly ReceivedSpan[]): SpanWithSelf[] {
  const children = new Map<string, ReceivedSpan[]>();
  for (const s of spans) if (s.parentSpanId) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
  return spans.map((s) => {
    const own = Number(s.durationNanos) / 1e6;
    const start = s.startUnixNano;
    const end = start + s.durationNanos;
    // Union of the children's intervals clipped to the parent, so parallel children are not counted twice.
    const intervals = (children.get(s.spanId) ?? [])
      .map((c) => [c.startUnixNano < start ? start : c.startUnixNano, c.startUnixNano + c.durationNanos > end ? end : c.startUnixNano + c.durationNanos] as const)
      .filter(([a, b]) => b > a)
      .sort((x, y) => (x[0] < y[0] ? -1 : 1));
    let covered = 0n;
    let cursor = start;
    for (const [a, b] of intervals) {
      const from = a > cursor ? a : cursor;
      if (b > from) covered += b - from;
      if (b > cursor) cursor = b;
    }
    return {
      service: s.service,
      name: s.name,
      durationMs: round(own, 2),
      selfMs: round(Number(s.durationNanos - covered) / 1e6, 2),
      error: s.error,
      attributes: s.attributes,
    };
  });
}

function recommendationFor(route: RouteLatency, spans: SpanWithSelf[]): string | null {
  const [top] = [...spans].sort((a, b) => b.selfMs - a.selfMs);
  if (!top) return null;
  const total = spans.reduce((sum, s) => Math.max(sum, s.durationMs), 0) || 1;
  const share = Math.round((top.selfMs / total) * 100);
  const where = `${share} % of the slowest trace (${route.exemplars[0]?.traceId ?? '?'}) is spent in "${top.name}" (${top.service})`;
  if (top.attributes['fault.injected'] === true) return `${where}: an injected fault is active on this route; clear it when the drill is over.`;
  const queries = spans.filter((s) => s.attributes['db.system'] !== undefined || s.attributes['db.system.name'] !== undefined);
  const byStatement = new Map<string, number>();
  for (const q of queries) byStatement.set(q.name, (byStatement.get(q.name) ?? 0) + 1);
  const repeated = [...byStatement].find(([, n]) => n >= REPEATED_QUERY_COUNT);
  if (repeated) return `${where}; "${repeated[0]}" runs ${repeated[1]} times in one request: batch it (N+1 pattern).`;
  if (queries.includes(top)) return `${where}: check that query's plan (EXPLAIN ANALYZE) and its indexes, or serve the figure from the rollups/cache.`;
  if (top.attributes['cache.hit'] === false) return `${where}: a cache miss; check invalidation granularity so fewer reads fall through.`;
  if (String(top.attributes['messaging.system'] ?? '') === 'nats') return `${where}: the time is inside the NATS handler of ${top.name}; look at that service's spans.`;
  return `${where}.`;
}

/** The report behind GET /v1/monitoring/report: built only from what the tracker and span store hold. */
export function buildReport(
  window: string,
  nowMs: number,
  routes: RouteLatency[],
  cache: CacheEfficiency[],
  traceOf: (traceId: string) => ReceivedSpan[],
): PerformanceReport {
  const recommendations: PerformanceReport['recommendations'] = [];
  const slowest = [...routes].sort((a, b) => b.p95Ms - a.p95Ms).slice(0, SLOWEST_ROUTES);
  const slowestRoutes = slowest.map((route) => {
    const exemplar = route.exemplars[0];
    const spans = exemplar ? selfTimes(traceOf(exemplar.traceId)) : [];
    if (route.p95Ms > SLOW_ROUTE_MS) {
      const advice = recommendationFor(route, spans);
      recommendations.push({
        severity: route.p95Ms > 500 ? 'critical' : 'warning',
        subject: `${route.service} ${route.route}`,
        message: `p95 is ${Math.round(route.p95Ms)} ms over ${window}` + (advice ? `; ${advice}` : '; no exemplar trace is stored for it yet.'),
      });
    }
    return {
      service: route.service,
      route: route.route,
      count: route.count,
      p50Ms: route.p50Ms,
      p95Ms: route.p95Ms,
      p99Ms: route.p99Ms,
      errorRate: route.errorRate,
      exemplar: exemplar
        ? {
            traceId: exemplar.traceId,
            durationMs: exemplar.durationMs,
            slowestSpans: [...spans]
              .sort((a, b) => b.selfMs - a.selfMs)
              .slice(0, SPANS_PER_EXEMPLAR)
              .map(({ service, name, durationMs, error }) => ({ service, name, durationMs, error })),
          }
        : null,
    };
  });
  for (const route of routes) {
    if (route.errorRate > 0.01) {
      recommendations.push({
        severity: 'critical',
        subject: `${route.service} ${route.route}`,
        message: `${(route.errorRate * 100).toFixed(2)} % of ${route.count} requests failed over ${window}; open an exemplar trace on /status to see where.`,
      });
    }
  }
  for (const c of cache) {
    if (c.hitRatio !== null && c.hitRatio < LOW_HIT_RATIO) {
      recommendations.push({
        severity: c.hitRatio < 0.5 ? 'critical' : 'warning',
        subject: `${c.service} cache ${c.level}`,
        message: `hit ratio ${(c.hitRatio * 100).toFixed(1)} % (${c.hits} hits, ${c.misses} misses): keys may be invalidated too broadly or the ${c.level} cache is too small for the working set.`,
      });
    }
  }
  if (recommendations.length === 0) {
    recommendations.push({ severity: 'info', subject: 'all routes', message: `every route is within its latency, error and cache targets over ${window}.` });
  }
  return { window, generatedAt: new Date(nowMs).toISOString(), slowestRoutes, cache, recommendations };
}
