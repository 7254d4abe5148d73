import { LatencyTracker } from '../latency/latency-tracker';
import type { ReceivedSpan } from '../traces/otlp-json';
import { burnRate, evaluateRules } from './evaluate';
import { parseRules, windowsOf } from './rules';
import { loadRules } from './rules';

let seq = 0;
const span = (route: string, ms: number, overrides: Partial<ReceivedSpan> = {}): ReceivedSpan => {
  seq++;
  const [method, path] = route.split(' ');
  return {
    traceId: `trace${seq}`,
    spanId: `span${seq}`,
    parentSpanId: null,
    service: 'api-gateway',
    name: route,
    kind: 2,
    startUnixNano: 0n,
    durationNanos: BigInt(Math.round(ms * 1e6)),
    route: path ?? route,
    error: false,
    attributes: { 'http.method': method ?? 'GET' },
    ...overrides,
  };
};

describe('burn-rate math', () => {
  it('is the error rate over the error budget', () => {
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 10);
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 10);
    expect(burnRate(0, 0.999)).toBe(0);
  });

  it('fires only when both the long and the short window burn fast enough', () => {
    const rules = parseRules(
      `rules:
  - name: Burn
    kind: burn-rate
    objective: 0.999
    for: 0s
    minSamples: 10
    windows: [{ long: 1h, short: 5m, factor: 14.4, severity: critical }]`,
      'test',
    );
    const tracker = new LatencyTracker(windowsOf(rules));
    const t0 = 10_000_000;
    // 2 % errors an hour ago (burn 20×), none in the last 5 minutes: the incident is over.
    tracker.observe(
      Array.from({ length: 100 }, (_, i) => span('GET /v1/a', 10, { error: i < 2 })),
      t0,
    );
    tracker.observe(Array.from({ length: 100 }, () => span('GET /v1/a', 10)), t0 + 50 * 60_000);
    const now = t0 + 55 * 60_000;
    const [quiet] = evaluateRules(rules, tracker, now);
    expect(quiet).toMatchObject({ active: false, labels: { window: '1h/5m', severity: 'critical' } });
    // Now it burns in the short window too.
    tracker.observe(Array.from({ length: 20 }, (_, i) => span('GET /v1/a', 10, { error: i < 2 })), now);
    const [burning] = evaluateRules(rules, tracker, now);
    // long: 4/220 = 1.82 % → 18.2×; short: 2/120 = 1.67 % → 16.7×.
    expect(burning?.active).toBe(true);
    expect(burning?.value).toBeCloseTo(burnRate(2 / 120, 0.999), 6);
  });
});

describe('default rules (SPEC.md)', () => {
  const rules = loadRules(undefined);
  const tracker = () => new LatencyTracker(windowsOf(rules));
  const now = 50_000_000;

  it('hold dashboard refresh to 400/600 ms and other API routes to 200/500 ms at p95', () => {
    const t = tracker();
    t.observe(Array.from({ length: 20 }, () => span('POST /v1/dashboard/refresh', 450)), now);
    t.observe(Array.from({ length: 20 }, () => span('GET /v1/dashboard/summary', 450)), now);
    const active = evaluateRules(rules, t, now)
      .filter((c) => c.active)
      .map((c) => `${c.rule}:${c.severity}:${c.labels['route']}`)
      .sort();
    expect(active).toEqual([
      'DashboardRefreshLatency:warning:POST /v1/dashboard/refresh',
      'RouteLatency:warning:GET /v1/dashboard/summary',
    ]);
  });

  it('ignore a route with fewer samples than minSamples', () => {
    const t = tracker();
    t.observe([span('GET /v1/tenant', 5_000)], now);
    expect(evaluateRules(rules, t, now).filter((c) => c.active)).toEqual([]);
  });

  it('alert on an error rate above 1 % (also burning the 99.9 % budget 20×) and a cache hit ratio under 70 %', () => {
    const t = tracker();
    t.observe(Array.from({ length: 100 }, (_, i) => span('GET /v1/tenant', 5, { error: i < 2 })), now);
    t.observe(
      Array.from({ length: 100 }, (_, i) =>
        span('cache get', 1, { kind: 1, route: null, service: 'cache-gateway', attributes: { 'cache.hit': i < 60, 'cache.level': 'l1' } }),
      ),
      now,
    );
    const active = evaluateRules(rules, t, now).filter((c) => c.active);
    expect(active.map((c) => `${c.rule}:${c.severity}`).sort()).toEqual([
      'CacheHitRatio:warning',
      'ErrorBudgetBurn:critical',
      'ErrorBudgetBurn:warning',
      'ErrorRate:critical',
    ]);
    expect(active.find((c) => c.rule === 'CacheHitRatio')).toMatchObject({ value: 0.6, labels: { cache_level: 'l1' } });
  });
});

describe('rules file validation', () => {
  it('names every problem', () => {
    expect(() =>
      parseRules(
        `rules:
  - name: A
    kind: latency
    window: 5 minutes
    thresholdsMs: {}
  - name: A
    kind: error-rate
    threshold: 2`,
        'rules.yaml',
      ),
    ).toThrow(/rules\.0\.window.*\n.*rules\.0\.thresholdsMs.*\n.*rules\.1\.threshold/s);
  });

  it('rejects YAML that does not parse and unknown keys', () => {
    expect(() => parseRules('rules: [', 'x')).toThrow(/not valid YAML/);
    expect(() => parseRules('rules:\n  - { name: A, kind: error-rate, threshold: 0.1, typo: 1 }', 'x')).toThrow(/typo/);
  });
});
