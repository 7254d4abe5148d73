import { SYNTHETIC_ATTRIBUTE } from '@ledgerline/telemetry';
import { evaluateRules } from '../alerts/evaluate';
import { loadRules, windowsOf } from '../alerts/rules';
import type { ReceivedSpan } from '../traces/otlp-json';
import { LatencyTracker } from './latency-tracker';

let seq = 0;
const gatewaySpan = (route: string, ms: number, error: boolean, synthetic: boolean): ReceivedSpan => {
  seq++;
  return {
    traceId: `trace${seq}`,
    spanId: `span${seq}`,
    parentSpanId: null,
    service: 'api-gateway',
    name: `GET ${route}`,
    kind: 2,
    startUnixNano: 0n,
    durationNanos: BigInt(ms * 1e6),
    route,
    error,
    attributes: { 'http.request.method': 'GET', ...(synthetic ? { [SYNTHETIC_ATTRIBUTE]: true } : {}), 'cache.hit': false },
  };
};

describe('synthetic (load-test) traffic is kept apart from the real SLOs', () => {
  const rules = loadRules(undefined);
  const now = 50_000_000;

  it('a slow, failing synthetic run fires no default rule and leaves the real series untouched', () => {
    const tracker = new LatencyTracker(windowsOf(rules));
    tracker.observe(
      Array.from({ length: 200 }, () => gatewaySpan('/v1/dashboard/stats', 900, true, true)),
      now,
    );
    expect(evaluateRules(rules, tracker, now).filter((c) => c.active)).toEqual([]);
    expect(tracker.routeLatency('1h', now)).toEqual([]);
    expect(tracker.cacheEfficiency('5m', now)).toEqual([]);
    // …and it is not lost: the synthetic view has every request, errors and all.
    expect(tracker.synthetic?.routeLatency('1h', now)).toMatchObject([
      { service: 'api-gateway', route: 'GET /v1/dashboard/stats', count: 200, errorRate: 1 },
    ]);
    expect(tracker.synthetic?.cacheEfficiency('5m', now)).toMatchObject([{ hits: 0, misses: 200 }]);
  });

  it('the same traffic without the synthetic tag burns the budget (the control)', () => {
    const tracker = new LatencyTracker(windowsOf(rules));
    tracker.observe(
      Array.from({ length: 200 }, () => gatewaySpan('/v1/dashboard/stats', 900, true, false)),
      now,
    );
    const active = new Set(
      evaluateRules(rules, tracker, now)
        .filter((c) => c.active)
        .map((c) => c.rule),
    );
    expect(active).toEqual(new Set(['RouteLatency', 'ErrorRate', 'ErrorBudgetBurn', 'CacheHitRatio']));
    expect(tracker.synthetic?.routeLatency('1h', now)).toEqual([]);
  });

  it('a real request and a synthetic one on the same route are counted each in its own view', () => {
    const tracker = new LatencyTracker(windowsOf(rules));
    tracker.observe([gatewaySpan('/v1/dashboard/summary', 5, false, false), gatewaySpan('/v1/dashboard/summary', 5, true, true)], now);
    expect(tracker.routeLatency('5m', now)).toMatchObject([{ count: 1, errorRate: 0 }]);
    expect(tracker.synthetic?.routeLatency('5m', now)).toMatchObject([{ count: 1, errorRate: 1 }]);
  });
});
