import { MetricRegistry, percentile } from './metrics';
import { parseArgs } from './run';
import { evaluateThresholds, parseMetricKey } from './thresholds';

describe('k6 harness thresholds', () => {
  it('parses metric keys with tag selectors', () => {
    expect(parseMetricKey('http_req_duration')).toEqual({ metric: 'http_req_duration', tags: {} });
    expect(parseMetricKey('http_req_duration{name:summary,class:api}')).toEqual({
      metric: 'http_req_duration',
      tags: { name: 'summary', class: 'api' },
    });
    expect(parseMetricKey('checks{scenario:resends}')).toEqual({ metric: 'checks', tags: { scenario: 'resends' } });
  });

  it('interpolates percentiles between closest ranks, as k6 does', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30, 40], 100)).toBe(40);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBe(0);
  });

  it('judges each (sub)metric on its own samples and skips what never ran', () => {
    const registry = new MetricRegistry();
    registry.define('http_req_duration', 'trend', true);
    registry.define('http_req_failed', 'rate');
    registry.define('read_your_writes', 'rate');
    for (const ms of [10, 20, 30]) registry.add('http_req_duration', ms, { name: 'summary' });
    registry.add('http_req_duration', 900, { name: 'export' });
    registry.add('http_req_failed', 0, {});
    registry.add('http_req_failed', 1, {});
    const results = evaluateThresholds(
      {
        'http_req_duration{name:summary}': ['p(95)<200', 'max<25'],
        'http_req_duration{name:export}': ['p(95)<200'],
        'http_req_duration{name:trends}': ['p(95)<200'],
        http_req_failed: ['rate<0.001'],
        read_your_writes: [{ threshold: 'rate==1' }],
      },
      registry,
      1_000,
    );
    expect(results.map((r) => [r.key, r.expression, r.evaluated, r.ok])).toEqual([
      ['http_req_duration{name:summary}', 'p(95)<200', true, true],
      ['http_req_duration{name:summary}', 'max<25', true, false],
      ['http_req_duration{name:export}', 'p(95)<200', true, false],
      ['http_req_duration{name:trends}', 'p(95)<200', false, true],
      ['http_req_failed', 'rate<0.001', true, false],
      ['read_your_writes', 'rate==1', false, true],
    ]);
    expect(results[2]).toMatchObject({ observed: 900, isTime: true });
  });

  it('refuses thresholds k6 would refuse', () => {
    const registry = new MetricRegistry();
    registry.define('checks', 'rate');
    expect(() => evaluateThresholds({ nope: ['rate<1'] }, registry, 1)).toThrow('no metric named nope');
    expect(() => evaluateThresholds({ checks: ['rate is high'] }, registry, 1)).toThrow('cannot parse');
    expect(() => evaluateThresholds({ checks: ['p(95)<1'] }, registry, 1)).toThrow('rate metrics have no "p(95)"');
  });
});

describe('k6 harness arguments', () => {
  it('takes k6-style -e pairs and its own knobs', () => {
    expect(
      parseArgs(['traffic.ts', '-e', 'SCENARIO=load', '--env', 'URL=http://x/?a=b', '--iterations', '3', '--timing-thresholds', 'report']),
    ).toEqual({
      suite: 'traffic.ts',
      env: { SCENARIO: 'load', URL: 'http://x/?a=b' },
      iterations: 3,
      enforceTiming: false,
    });
    expect(() => parseArgs(['a.ts', '--vus', '10'])).toThrow('does not take --vus');
    expect(() => parseArgs(['-e', 'X'])).toThrow('NAME=value');
    expect(() => parseArgs([])).toThrow('name the suite');
  });
});
