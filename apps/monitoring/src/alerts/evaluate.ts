import type { AlertSeverity } from '@ledgerline/contracts';
import { createHash } from 'node:crypto';
import type { LatencyTracker, RouteWindow } from '../latency/latency-tracker';
import { budgetBurn } from '../slo/nines';
import type { SloTracker } from '../slo/slo-tracker';
import type { Rule } from './rules';

/** One rule applied to one series at one evaluation: breaching (`active`) or not. */
export interface Condition {
  fingerprint: string;
  rule: string;
  severity: AlertSeverity;
  labels: Record<string, string>;
  summary: string;
  value: number;
  threshold: number;
  forMs: number;
  active: boolean;
  exemplarTraceIds: string[];
}

/** Stable identity of an alert: the rule and its labels (severity included, like separate Prometheus rules). */
export function fingerprintOf(rule: string, labels: Record<string, string>): string {
  const canonical = JSON.stringify([rule, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** Error rate divided by the error budget: 1 spends the budget exactly over the SLO period. */
export const burnRate = (errorRate: number, objective: number): number => errorRate / (1 - objective);

const matches = (rule: Rule, service: string, route: string): boolean => {
  const hit = (pattern: string | undefined, value: string) => pattern === undefined || new RegExp(pattern).test(value);
  if (!hit(rule.match.service, service) || !hit(rule.match.route, route)) return false;
  if (rule.exclude && (rule.exclude.service !== undefined || rule.exclude.route !== undefined)) {
    const excluded = hit(rule.exclude.service, service) && hit(rule.exclude.route, route);
    if (excluded) return false;
  }
  return true;
};

const SEVERITIES: AlertSeverity[] = ['warning', 'critical'];
const ms = (value: number) => `${Math.round(value)} ms`;
const pct = (value: number) => `${(value * 100).toFixed(2)} %`;

function condition(
  rule: Rule,
  severity: AlertSeverity,
  labels: Record<string, string>,
  fields: { summary: string; value: number; threshold: number; active: boolean; exemplars: string[] },
): Condition {
  const allLabels = { alertname: rule.name, severity, ...labels };
  return {
    fingerprint: fingerprintOf(rule.name, allLabels),
    rule: rule.name,
    severity,
    labels: allLabels,
    summary: fields.summary,
    value: fields.value,
    threshold: fields.threshold,
    forMs: rule.for,
    active: fields.active,
    exemplarTraceIds: fields.exemplars,
  };
}

function indexRoutes(tracker: LatencyTracker, window: string, nowMs: number): Map<string, RouteWindow> {
  return new Map(tracker.routeWindows(window, nowMs).map((w) => [`${w.service}\u0000${w.route}`, w]));
}

/**
 * Applies every rule to every matching series. Series with too few samples
 * are reported inactive: a quiet route is not a slow one.
 */
export function evaluateRules(rules: readonly Rule[], tracker: LatencyTracker, nowMs: number, slo?: SloTracker): Condition[] {
  const out: Condition[] = [];
  for (const rule of rules) {
    switch (rule.kind) {
      case 'latency': {
        for (const w of tracker.routeWindows(rule.window, nowMs)) {
          if (!matches(rule, w.service, w.route)) continue;
          const value = w[`${rule.quantile}Ms`];
          for (const severity of SEVERITIES) {
            const threshold = rule.thresholdsMs[severity];
            if (threshold === undefined) continue;
            out.push(
              condition(rule, severity, { service: w.service, route: w.route }, {
                summary: `${rule.quantile} of ${w.service} ${w.route} is ${ms(value)} over ${rule.window} (threshold ${ms(threshold)})`,
                value,
                threshold,
                active: w.count >= rule.minSamples && value > threshold,
                exemplars: w.exemplars.map((e) => e.traceId),
              }),
            );
          }
        }
        break;
      }
      case 'error-rate': {
        for (const w of tracker.routeWindows(rule.window, nowMs)) {
          if (!matches(rule, w.service, w.route)) continue;
          const value = w.errors / w.count;
          out.push(
            condition(rule, rule.severity, { service: w.service, route: w.route }, {
              summary: `error rate of ${w.service} ${w.route} is ${pct(value)} over ${rule.window} (threshold ${pct(rule.threshold)})`,
              value,
              threshold: rule.threshold,
              active: w.count >= rule.minSamples && value > rule.threshold,
              exemplars: w.exemplars.map((e) => e.traceId),
            }),
          );
        }
        break;
      }
      case 'cache-hit-ratio': {
        for (const c of tracker.cacheEfficiency(rule.window, nowMs)) {
          if (!matches(rule, c.service, `cache ${c.level}`) || c.hitRatio === null) continue;
          for (const severity of SEVERITIES) {
            const threshold = rule.below[severity];
            if (threshold === undefined) continue;
            out.push(
              condition(rule, severity, { service: c.service, cache_level: c.level }, {
                summary: `cache hit ratio of ${c.service} (${c.level}) is ${pct(c.hitRatio)} over ${rule.window} (threshold ${pct(threshold)})`,
                value: c.hitRatio,
                threshold,
                active: c.hits + c.misses >= rule.minSamples && c.hitRatio < threshold,
                exemplars: [],
              }),
            );
          }
        }
        break;
      }
      case 'burn-rate': {
        for (const pair of rule.windows) {
          const shorts = indexRoutes(tracker, pair.short, nowMs);
          for (const long of tracker.routeWindows(pair.long, nowMs)) {
            if (!matches(rule, long.service, long.route)) continue;
            const short = shorts.get(`${long.service}\u0000${long.route}`);
            const longBurn = burnRate(long.errors / long.count, rule.objective);
            const shortBurn = short ? burnRate(short.errors / short.count, rule.objective) : 0;
            // Multi-window: the long window proves it matters, the short one that it is still happening.
            const active = long.count >= rule.minSamples && longBurn >= pair.factor && shortBurn >= pair.factor;
            out.push(
              condition(rule, pair.severity, { service: long.service, route: long.route, window: `${pair.long}/${pair.short}` }, {
                summary: `error budget of ${long.service} ${long.route} burning ${longBurn.toFixed(1)}× over ${pair.long} and ${shortBurn.toFixed(1)}× over ${pair.short} (threshold ${pair.factor}×)`,
                value: Math.min(longBurn, shortBurn),
                threshold: pair.factor,
                active,
                exemplars: (short ?? long).exemplars.map((e) => e.traceId),
              }),
            );
          }
        }
        break;
      }
      case 'freshness': {
        if (!slo) break;
        for (const pair of rule.windows) {
          const ofLevel = (window: string) => slo.freshnessWindows(window, nowMs, rule.thresholdMs).filter((w) => w.level === rule.level);
          const shorts = new Map(ofLevel(pair.short).map((w) => [w.service, w]));
          for (const long of ofLevel(pair.long)) {
            if (!matches(rule, long.service, `freshness ${long.level}`)) continue;
            const short = shorts.get(long.service);
            const longBurn = budgetBurn(long.slow, long.count, rule.objective);
            const shortBurn = short ? budgetBurn(short.slow, short.count, rule.objective) : 0;
            out.push(
              condition(rule, pair.severity, { service: long.service, level: long.level, window: `${pair.long}/${pair.short}` }, {
                summary: `${pct(1 - (long.withinThreshold ?? 1))} of changes not visible to readers of ${long.service} within ${ms(rule.thresholdMs)} of commit over ${pair.long} (${long.level} p99 ${ms(long.p99Ms)}); budget burning ${longBurn.toFixed(1)}× over ${pair.long} and ${shortBurn.toFixed(1)}× over ${pair.short} (threshold ${pair.factor}×)`,
                value: Math.min(longBurn, shortBurn),
                threshold: pair.factor,
                active: long.count >= rule.minSamples && longBurn >= pair.factor && shortBurn >= pair.factor,
                exemplars: [],
              }),
            );
          }
        }
        break;
      }
      case 'consistency': {
        if (!slo) break;
        for (const pair of rule.windows) {
          const shorts = new Map(slo.consistencyWindows(pair.short, nowMs).map((w) => [w.service, w]));
          for (const long of slo.consistencyWindows(pair.long, nowMs)) {
            if (!matches(rule, long.service, 'consistency')) continue;
            const short = shorts.get(long.service);
            const longBurn = budgetBurn(long.misses, long.audited, rule.objective);
            const shortBurn = short ? budgetBurn(short.misses, short.audited, rule.objective) : 0;
            const misses = slo.lastMisses(5, pair.short, nowMs, long.service);
            const last = misses[0];
            const lastText = last
              ? `; last miss: ${last.outcome} ${last.key} entry version ${last.entryVersion ?? 'none'}, source version ${last.sourceVersion ?? 'none'}, held ${ms(last.ageMs)} (${last.route}, ${last.level})`
              : '';
            out.push(
              condition(rule, pair.severity, { service: long.service, window: `${pair.long}/${pair.short}` }, {
                summary: `${long.misses} of ${long.audited} audited cached answers of ${long.service} disagreed with the source over ${pair.long} (${short?.misses ?? 0} over ${pair.short}); budget burning ${longBurn.toFixed(1)}× and ${shortBurn.toFixed(1)}× (threshold ${pair.factor}×)${lastText}`,
                value: Math.min(longBurn, shortBurn),
                threshold: pair.factor,
                active: long.audited >= rule.minSamples && longBurn >= pair.factor && shortBurn >= pair.factor,
                exemplars: misses.flatMap((m) => (m.traceId ? [m.traceId] : [])),
              }),
            );
          }
        }
        break;
      }
      default: {
        const unreachable: never = rule;
        throw new Error(`unknown rule ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return out;
}
