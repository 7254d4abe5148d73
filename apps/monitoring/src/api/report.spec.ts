import type { RouteLatency } from '@ledgerline/contracts';
import type { ReceivedSpan } from '../traces/otlp-json';
import { buildReport, selfTimes } from './report';

const span = (id: string, parent: string | null, startMs: number, ms: number, extra: Partial<ReceivedSpan> = {}): ReceivedSpan => ({
  traceId: 't1',
  spanId: id,
  parentSpanId: parent,
  service: 'api-gateway',
  name: id,
  kind: 1,
  startUnixNano: BigInt(startMs * 1e6),
  durationNanos: BigInt(ms * 1e6),
  route: null,
  error: false,
  attributes: {},
  ...extra,
});

describe('report', () => {
  it('computes self time without counting overlapping children twice', () => {
    const spans = [span('root', null, 0, 100), span('a', 'root', 10, 40), span('b', 'root', 30, 40), span('c', 'a', 10, 5)];
    const byName = Object.fromEntries(selfTimes(spans).map((s) => [s.name, s.selfMs]));
    // Children cover 10..70 of the root: 60 ms; a's child covers 5 of its 40.
    expect(byName).toEqual({ root: 40, a: 35, b: 40, c: 5 });
  });

  it('names the dominant query and flags an N+1 pattern and a cold cache', () => {
    const queries = Array.from({ length: 12 }, (_, i) => span(`q${i}`, 'root', 1 + i * 8, 8, { name: 'SELECT rollup', attributes: { 'db.system': 'postgresql' } }));
    const spans = [span('root', null, 0, 100, { kind: 2 }), ...queries];
    const route: RouteLatency = {
      service: 'aggregation',
      route: 'aggregation.summary.get.v1',
      count: 50,
      rate: 1,
      errorRate: 0.02,
      p50Ms: 90,
      p95Ms: 300,
      p99Ms: 320,
      maxMs: 330,
      exemplars: [{ traceId: 't1', durationMs: 100 }],
    };
    const report = buildReport('5m', 0, [route], [{ service: 'cache-gateway', level: 'l1', hits: 40, misses: 60, hitRatio: 0.4 }], () => spans);
    const messages = report.recommendations.map((r) => `${r.severity} ${r.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^warning p95 is 300 ms.*"SELECT rollup" runs 12 times in one request: batch it/),
      expect.stringMatching(/^critical 2\.00 % of 50 requests failed/),
      expect.stringMatching(/^critical hit ratio 40\.0 %/),
    ]);
    expect(report.slowestRoutes[0]?.exemplar?.slowestSpans).toHaveLength(5);
  });
});
