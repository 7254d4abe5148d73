import { aggregate, type MetricRegistry } from './metrics';
import { parseMetricKey, matchesTags, type ThresholdResult } from './thresholds';
import type { GroupNode } from './runtime';

/** The object k6 hands to `handleSummary(data)`: metrics (with their thresholds), the check tree, run state. */
export interface SummaryData {
  root_group: GroupNode;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<
    string,
    { type: string; contains: 'time' | 'default'; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }
  >;
}

export function summaryData(
  registry: MetricRegistry,
  results: readonly ThresholdResult[],
  rootGroup: GroupNode,
  durationMs: number,
): SummaryData {
  const metrics: SummaryData['metrics'] = {};
  const entry = (key: string) => {
    const { metric: name, tags } = parseMetricKey(key);
    const metric = registry.get(name);
    if (!metric) return undefined;
    const samples = metric.samples.filter((s) => matchesTags(s, tags));
    const percentiles = results
      .filter((r) => r.key === key)
      .flatMap((r) => /p\((\d+(?:\.\d+)?)\)/.exec(r.expression)?.[1] ?? [])
      .map(Number);
    return (metrics[key] ??= {
      type: metric.type,
      contains: metric.isTime ? 'time' : 'default',
      values: aggregate(metric.type, samples, durationMs, percentiles),
    });
  };
  // k6 lists metrics that got samples, plus every (sub)metric a threshold names.
  for (const metric of registry.all()) if (metric.samples.length > 0) entry(metric.name);
  for (const result of results) {
    const target = entry(result.key);
    if (target) (target.thresholds ??= {})[result.expression] = { ok: result.ok };
  }
  return {
    root_group: rootGroup,
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: durationMs },
    metrics,
  };
}

const format = (value: number | null, isTime: boolean) =>
  value === null ? '—' : isTime ? `${value.toFixed(2)}ms` : String(Math.round(value * 10_000) / 10_000);

/** Printed after every harness run, whatever handleSummary does: what was judged and how. */
export function thresholdReport(results: readonly ThresholdResult[], enforceTiming: boolean): string {
  const lines = results.map((r) => {
    const mark = !r.evaluated ? '  skip' : r.ok ? '  ok  ' : r.isTime && !enforceTiming ? '  slow' : '  FAIL';
    return `${mark} ${r.key}: ${r.expression} (observed ${format(r.observed, r.isTime)})`;
  });
  return ['thresholds (on the iterations the harness ran):', ...lines].join('\n');
}
