import { aggregate, type MetricRegistry, type Sample } from './metrics';

/** One threshold expression of one (sub)metric, evaluated on the samples the run produced. */
export interface ThresholdResult {
  /** `http_req_duration{name:summary}` as written in `options.thresholds`. */
  key: string;
  metric: string;
  expression: string;
  ok: boolean;
  /** False when the (sub)metric has no samples: nothing ran that it judges, so it neither passes nor fails the run. */
  evaluated: boolean;
  observed: number | null;
  isTime: boolean;
}

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** `name{tag:value,tag2:value}` → the metric name and the tags a sample must carry. */
export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  if (open === -1) return { metric: key.trim(), tags: {} };
  if (!key.endsWith('}')) throw new Error(`threshold key "${key}" has an unclosed tag selector`);
  const tags: Record<string, string> = {};
  for (const pair of key.slice(open + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw new Error(`threshold key "${key}": tag "${pair}" is not name:value`);
    tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open).trim(), tags };
}

const compare = (observed: number, op: string, expected: number): boolean => {
  switch (op) {
    case '<':
      return observed < expected;
    case '<=':
      return observed <= expected;
    case '>':
      return observed > expected;
    case '>=':
      return observed >= expected;
    case '==':
    case '===':
      return observed === expected;
    case '!=':
      return observed !== expected;
    default:
      throw new Error(`unknown operator ${op}`);
  }
};

export const matchesTags = (sample: Sample, tags: Record<string, string>): boolean =>
  Object.entries(tags).every(([name, value]) => sample.tags[name] === value);

type ThresholdSpec = string | { threshold: string };

export function evaluateThresholds(
  thresholds: Record<string, ThresholdSpec[]> | undefined,
  registry: MetricRegistry,
  durationMs: number,
): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const [key, specs] of Object.entries(thresholds ?? {})) {
    const { metric: name, tags } = parseMetricKey(key);
    const metric = registry.get(name);
    if (!metric) throw new Error(`threshold on "${key}": no metric named ${name} (k6 refuses such a script too)`);
    const samples = metric.samples.filter((s) => matchesTags(s, tags));
    for (const spec of specs) {
      const expression = typeof spec === 'string' ? spec : spec.threshold;
      const match = EXPRESSION.exec(expression);
      if (!match) throw new Error(`threshold on "${key}": cannot parse "${expression}"`);
      const [, stat, p, op, value] = match as unknown as [string, string, string | undefined, string, string];
      const values = aggregate(metric.type, samples, durationMs, p === undefined ? [] : [Number(p)]);
      const observed = values[stat];
      if (observed === undefined) throw new Error(`threshold on "${key}": ${metric.type} metrics have no "${stat}"`);
      const evaluated = samples.length > 0;
      out.push({
        key,
        metric: name,
        expression,
        evaluated,
        observed: evaluated ? observed : null,
        ok: !evaluated || compare(observed, op, Number(value)),
        isTime: metric.isTime,
      });
    }
  }
  return out;
}
