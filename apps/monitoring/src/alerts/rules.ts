import { durationString } from '@ledgerline/contracts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const windowName = z.string().regex(/^\d+(ms|s|m|h)$/, { error: 'must be a window like 5m or 1h' });
const severity = z.enum(['warning', 'critical']);
const regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be a valid regular expression' },
);
const selector = z.strictObject({ service: regex.optional(), route: regex.optional() });

const base = {
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'must be an identifier' }),
  window: windowName.default('5m'),
  for: durationString.default(60_000),
  minSamples: z.number().int().min(1).default(5),
  match: selector.default({}),
  exclude: selector.optional(),
};

const thresholds = z
  .strictObject({ warning: z.number().positive().optional(), critical: z.number().positive().optional() })
  .refine((t) => t.warning !== undefined || t.critical !== undefined, { error: 'needs a warning or a critical threshold' });

const burnWindows = z.array(z.strictObject({ long: windowName, short: windowName, factor: z.number().positive(), severity })).min(1);

export const ruleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('latency'), quantile: z.enum(['p50', 'p95', 'p99']).default('p95'), thresholdsMs: thresholds }),
  z.strictObject({ ...base, kind: z.literal('error-rate'), threshold: z.number().min(0).max(1), severity: severity.default('critical') }),
  z.strictObject({
    ...base,
    kind: z.literal('cache-hit-ratio'),
    /** Alerts when the ratio falls below these. */
    below: z.strictObject({ warning: z.number().min(0).max(1).optional(), critical: z.number().min(0).max(1).optional() }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('burn-rate'),
    /** Availability objective, e.g. 0.999: the error budget is 1 − objective. */
    objective: z.number().gt(0).lt(1),
    windows: burnWindows,
  }),
  z.strictObject({
    ...base,
    kind: z.literal('freshness'),
    /**
     * Share of changes that must be visible to every reader within `thresholdMs` of their commit. The
     * indicator (`level`) is `exposure` by default: per change read, how long after its commit a reader
     * was still served figures without it. `any`, `l1`, `l2`, `upstream`: commit → first served instead
     * (which also counts the time until somebody reads).
     */
    objective: z.number().gt(0).lt(1),
    thresholdMs: z.number().positive(),
    level: z.string().default('exposure'),
    windows: burnWindows,
  }),
  z.strictObject({
    ...base,
    kind: z.literal('consistency'),
    /** Share of audited cached answers that must be correct, e.g. 0.999999 (six nines): one miss burns it fast. */
    objective: z.number().gt(0).lt(1),
    windows: burnWindows,
  }),
]);

export const rulesFileSchema = z.strictObject({ rules: z.array(ruleSchema).min(1) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.rules.forEach((rule, i) => {
    if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name ${rule.name}` });
    seen.add(rule.name);
  });
});

export type Rule = z.output<typeof ruleSchema>;
export type RulesFile = z.output<typeof rulesFileSchema>;

const API_ROUTE = '^(GET|POST|PUT|PATCH|DELETE) /v1/';
const REFRESH_ROUTE = '^POST /v1/dashboard/refresh$';
/**
 * Out of the general latency rule: the refresh (its own rule) and the live stream, whose duration is how
 * long a client stayed connected (its spans are skipped anyway; the chart's PromQL rendering needs the route).
 */
const NOT_API_LATENCY = '^(POST|GET) /v1/dashboard/(refresh|live)$';

/** SPEC.md defaults; a rules file replaces them entirely. */
export const DEFAULT_RULES_YAML = `
rules:
  - name: DashboardRefreshLatency
    kind: latency
    match: { route: "${REFRESH_ROUTE}" }
    quantile: p95
    window: 5m
    for: 1m
    thresholdsMs: { warning: 400, critical: 600 }
  - name: RouteLatency
    kind: latency
    match: { route: "${API_ROUTE}" }
    exclude: { route: "${NOT_API_LATENCY}" }
    quantile: p95
    window: 5m
    for: 1m
    thresholdsMs: { warning: 200, critical: 500 }
  - name: CacheHitRatio
    kind: cache-hit-ratio
    window: 5m
    for: 2m
    minSamples: 50
    below: { warning: 0.7, critical: 0.5 }
  - name: ErrorRate
    kind: error-rate
    match: { route: "${API_ROUTE}" }
    window: 5m
    for: 1m
    minSamples: 20
    threshold: 0.01
  - name: ErrorBudgetBurn
    kind: burn-rate
    match: { route: "${API_ROUTE}" }
    objective: 0.999
    for: 0s
    minSamples: 20
    windows:
      - { long: 1h, short: 5m, factor: 14.4, severity: critical }
      - { long: 6h, short: 30m, factor: 6, severity: warning }
  - name: FreshnessBudgetBurn
    kind: freshness
    objective: 0.99
    thresholdMs: 100
    for: 0s
    minSamples: 20
    windows:
      - { long: 1h, short: 5m, factor: 14.4, severity: critical }
      - { long: 6h, short: 30m, factor: 6, severity: warning }
  - name: CacheConsistency
    kind: consistency
    objective: 0.999999
    for: 0s
    minSamples: 1
    windows:
      - { long: 1h, short: 5m, factor: 14.4, severity: critical }
`;

export class RulesError extends Error {}

/** Parses and validates a rules document; throws a RulesError naming every problem. */
export function parseRules(yamlText: string, source: string): Rule[] {
  let document: unknown;
  try {
    document = parseYaml(yamlText);
  } catch (error) {
    throw new RulesError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const result = rulesFileSchema.safeParse(document);
  if (!result.success) {
    throw new RulesError(`${source}: invalid rules:\n  ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  }
  return result.data.rules;
}

export function loadRules(path: string | undefined): Rule[] {
  if (!path) return parseRules(DEFAULT_RULES_YAML, 'default rules');
  return parseRules(readFileSync(path, 'utf8'), path);
}

/** Every window a rule reads: the tracker keeps these on top of the standard ones. */
export function windowsOf(rules: readonly Rule[]): string[] {
  return rules.flatMap((rule) =>
    rule.kind === 'burn-rate' || rule.kind === 'freshness' || rule.kind === 'consistency'
      ? rule.windows.flatMap((w) => [w.long, w.short])
      : [rule.window],
  );
}

/** The freshness thresholds the rules judge: the SLO tracker counts changes within each. */
export function freshnessThresholdsOf(rules: readonly Rule[]): number[] {
  return [...new Set(rules.flatMap((rule) => (rule.kind === 'freshness' ? [rule.thresholdMs] : [])))];
}
