/**
 * Thresholds from the objectives monitoring alerts on (apps/monitoring/src/alerts/rules.ts,
 * SPEC "Default rules"), so a run fails exactly where production would page:
 *   - availability 99.9 % (ErrorBudgetBurn objective 0.999): http_req_failed < 0.1 %;
 *   - latency p95 per route: API routes warning 200 ms / critical 500 ms,
 *     dashboard refresh 400 / 600 ms. A run passes under the warning line.
 * Every request is tagged with its route `name` and the route `class`, so the
 * thresholds hold per route, not only on the average over the mix.
 */
import type { Options } from 'k6/options';

export type RouteClass = 'api' | 'refresh';

export const SLO = {
  objective: 0.999,
  p95Ms: { api: { warning: 200, critical: 500 }, refresh: { warning: 400, critical: 600 } },
} as const;

type Thresholds = NonNullable<Options['thresholds']>;

/** `routes`: route name → class. Extra thresholds (custom metrics) are merged in. */
export function sloThresholds(routes: Record<string, RouteClass>, extra: Thresholds = {}): Thresholds {
  // Written as literals: 1 − 0.999 in binary floating point is not 0.001.
  const thresholds: Thresholds = {
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
  };
  for (const routeClass of new Set(Object.values(routes))) {
    const { warning, critical } = SLO.p95Ms[routeClass];
    thresholds[`http_req_duration{class:${routeClass}}`] = [`p(95)<${warning}`, `p(99)<${critical}`];
  }
  for (const [name, routeClass] of Object.entries(routes)) {
    thresholds[`http_req_duration{name:${name}}`] = [`p(95)<${SLO.p95Ms[routeClass].warning}`];
  }
  return { ...thresholds, ...extra };
}
