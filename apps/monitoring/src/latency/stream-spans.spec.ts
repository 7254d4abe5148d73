import { STREAM_ATTRIBUTE } from '@ledgerline/telemetry';
import { evaluateRules } from '../alerts/evaluate';
import { loadRules, windowsOf } from '../alerts/rules';
import type { ReceivedSpan } from '../traces/otlp-json';
import { LatencyTracker, routeOf } from './latency-tracker';

const span = (route: string, ms: number, stream: boolean, n: number): ReceivedSpan => ({
  traceId: `t${n}`,
  spanId: `s${n}`,
  parentSpanId: null,
  service: 'api-gateway',
  name: `GET ${route}`,
  kind: 2,
  startUnixNano: 0n,
  durationNanos: BigInt(ms * 1e6),
  route,
  error: false,
  attributes: { 'http.request.method': 'GET', ...(stream ? { [STREAM_ATTRIBUTE]: true } : {}) },
});

describe('long-lived stream spans (live dashboards)', () => {
  it('are no route latency: an hour-long stream fires no latency rule', () => {
    const rules = loadRules(undefined);
    const now = 50_000_000;
    const tracker = new LatencyTracker(windowsOf(rules));
    tracker.observe(
      Array.from({ length: 100 }, (_, i) => span('/v1/dashboard/live', 3_600_000, true, i)),
      now,
    );
    expect(routeOf(span('/v1/dashboard/live', 1, true, 0))).toBeNull();
    expect(tracker.routeLatency('1h', now)).toEqual([]);
    expect(evaluateRules(rules, tracker, now).filter((c) => c.active)).toEqual([]);
  });

  it('leave other spans of the same route name alone', () => {
    expect(routeOf(span('/v1/dashboard/live', 1, false, 0))).toBe('GET /v1/dashboard/live');
  });
});
