import type { CacheAudit } from '@ledgerline/contracts';
import { evaluateRules } from '../alerts/evaluate';
import { freshnessThresholdsOf, loadRules, parseRules, windowsOf } from '../alerts/rules';
import { LatencyTracker } from '../latency/latency-tracker';
import { SloTracker } from './slo-tracker';

const RULES = parseRules(
  `rules:
  - name: Freshness
    kind: freshness
    objective: 0.99
    thresholdMs: 100
    for: 0s
    minSamples: 10
    windows: [{ long: 1h, short: 5m, factor: 14.4, severity: critical }]
  - name: Consistency
    kind: consistency
    objective: 0.999999
    for: 0s
    minSamples: 1
    windows: [{ long: 1h, short: 5m, factor: 14.4, severity: critical }]`,
  'test',
);

const audit = (outcome: CacheAudit['outcome'], overrides: Partial<CacheAudit> = {}): CacheAudit => ({
  service: 'cache-gateway',
  replica: 'r1',
  route: 'dashboard.summary',
  level: 'l1',
  key: 'aggregation.summary.get.v1:t1:abc:s:0.3',
  outcome,
  entryVersion: '3',
  sourceVersion: '3',
  ageMs: 1_500,
  traceId: 'trace-1',
  auditedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

const setup = () => {
  const slo = new SloTracker(windowsOf(RULES), freshnessThresholdsOf(RULES));
  const latency = new LatencyTracker(windowsOf(RULES));
  const evaluate = (nowMs: number) => evaluateRules(RULES, latency, nowMs, slo);
  return { slo, evaluate };
};

const T0 = 100_000_000;

describe('consistency SLO', () => {
  it('pages on a single miss, naming the key and both versions, and resolves once it leaves the short window', () => {
    const { slo, evaluate } = setup();
    for (let i = 0; i < 50; i++) slo.observeAudit(audit('correct'), T0);
    slo.observeAudit(audit('stale', { sourceVersion: '4', traceId: 'trace-stale' }), T0);
    const [firing] = evaluate(T0).filter((c) => c.rule === 'Consistency');
    expect(firing?.active).toBe(true);
    expect(firing?.summary).toContain('aggregation.summary.get.v1:t1:abc:s:0.3');
    expect(firing?.summary).toContain('entry version 3, source version 4');
    expect(firing?.exemplarTraceIds).toEqual(['trace-stale']);

    // Six minutes later, clean audits only: still in the hour, gone from the 5-minute window.
    for (let i = 0; i < 10; i++) slo.observeAudit(audit('correct'), T0 + 6 * 60_000);
    expect(evaluate(T0 + 6 * 60_000).find((c) => c.rule === 'Consistency')?.active).toBe(false);
  });

  it('counts invalidated entries as correct and leaves unverifiable audits out', () => {
    const { slo } = setup();
    slo.observeAudit(audit('invalidated', { sourceVersion: '5' }), T0);
    slo.observeAudit(audit('unverifiable'), T0);
    slo.observeAudit(audit('mismatch'), T0);
    expect(slo.consistencyWindows('5m', T0)).toEqual([
      { service: 'cache-gateway', audited: 2, misses: 1, ratio: 0.5, nines: 0.3, ninesAtLeast: false },
    ]);
    expect(slo.lastMisses(10).map((m) => m.outcome)).toEqual(['mismatch']);
  });
});

describe('freshness SLO', () => {
  const batch = (lags: number[], level = 'exposure') => ({
    service: 'cache-gateway',
    replica: 'r1',
    samples: lags.map((lagMs) => ({ level, tenant: 'other', lagMs })),
    dropped: 0,
  });

  it('burns when more than 1 % of changes are first served later than the threshold', () => {
    const { slo, evaluate } = setup();
    slo.observeFreshness(batch(Array.from({ length: 100 }, (_, i) => (i < 80 ? 20 : 250))), T0);
    const condition = evaluate(T0).find((c) => c.rule === 'Freshness');
    expect(condition?.active).toBe(true);
    expect(condition?.value).toBeCloseTo(0.2 / 0.01, 5); // 20 % slow over a 1 % budget
    const [window] = slo.freshnessWindows('5m', T0).filter((w) => w.level === 'exposure');
    expect(window?.withinThreshold).toBe(0.8);
  });

  it('stays quiet within the objective, and judges only the level the rule names', () => {
    const { slo, evaluate } = setup();
    slo.observeFreshness(batch(Array.from({ length: 200 }, () => 30)), T0);
    slo.observeFreshness(
      batch(
        Array.from({ length: 200 }, () => 900),
        'l1',
      ),
      T0,
    );
    const conditions = evaluate(T0).filter((c) => c.rule === 'Freshness');
    expect(conditions.map((c) => c.labels['level'])).toEqual(['exposure']);
    expect(conditions[0]?.active).toBe(false);
  });
});

describe('freshness stages', () => {
  it('lists commit → applied (aggregation) and commit → first served from the near-cache (api-gateway) beside the cache levels', () => {
    const { slo } = setup();
    const of = (service: string, level: string, lags: number[]) => ({
      service,
      replica: 'r1',
      samples: lags.map((lagMs) => ({ level, tenant: 'other', lagMs })),
      dropped: 0,
    });
    slo.observeFreshness(of('aggregation', 'applied', [4, 6]), T0);
    slo.observeFreshness(of('cache-gateway', 'any', [8]), T0);
    slo.observeFreshness(of('api-gateway', 'near', [20, 40]), T0);
    expect(slo.freshnessWindows('5m', T0).map((w) => [w.service, w.level, w.count, w.maxMs])).toEqual([
      ['aggregation', 'applied', 2, 6],
      ['api-gateway', 'near', 2, 40],
      ['cache-gateway', 'any', 1, 8],
    ]);
  });

  it('keeps an api-gateway near-cache miss with its key and versions, and pages on it', () => {
    const { slo, evaluate } = setup();
    slo.observeAudit(audit('correct', { service: 'api-gateway', level: 'near' }), T0);
    slo.observeAudit(audit('stale', { service: 'api-gateway', level: 'near', key: 't1\ndashboard.summary.v1 x', sourceVersion: '4' }), T0);
    expect(slo.consistencyWindows('5m', T0)).toMatchObject([{ service: 'api-gateway', audited: 2, misses: 1 }]);
    expect(slo.lastMisses(10)).toMatchObject([{ service: 'api-gateway', level: 'near', entryVersion: '3', sourceVersion: '4' }]);
    const firing = evaluate(T0).find((c) => c.rule === 'Consistency' && c.active);
    expect(firing?.summary).toContain('entry version 3, source version 4');
  });
});

describe('default rules', () => {
  it('include the freshness (99 % within 100 ms) and consistency SLOs', () => {
    const rules = loadRules(undefined);
    expect(rules.find((r) => r.kind === 'freshness')).toMatchObject({ objective: 0.99, thresholdMs: 100 });
    expect(rules.find((r) => r.kind === 'consistency')).toMatchObject({ minSamples: 1 });
  });
});
