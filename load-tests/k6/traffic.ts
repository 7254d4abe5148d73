/**
 * Realistic dashboard traffic over many tenants, keys and months, one profile per run:
 *   SCENARIO=smoke   one VU tours every route of the mix ITERATIONS (3) times
 *   SCENARIO=load    constant arrival RATE/s (100) for DURATION (5m): the everyday peak
 *   SCENARIO=stress  ramping arrival from RATE to RATE_MAX (600) over DURATION (10m): find the knee
 *   SCENARIO=spike   RATE, a jump to SPIKE_RATE (800) for 30 s, back: absorbed, no errors after
 *   SCENARIO=soak    RATE for DURATION (1h): leaks, growth, slow drift
 *   k6 run -e SCENARIO=load -e RATE=150 -e DURATION=5m load-tests/k6/traffic.ts
 * Mix: READ_RATIO (0.9) of requests read (summary, breakdown, drill-down with
 * pagination, trends, stats, provisions, fixed lines), the rest write (small
 * batches, edits, CSV imports, exports); see lib/mix.ts.
 * Fleet: TENANTS (4) tenants × KEYS_PER_TENANT (2) keys, MONTHS (6) months with
 * SEED_ROWS (200) rows each, created in setup and revoked in teardown.
 * Thresholds: the SLOs monitoring alerts on (lib/slo.ts), per route.
 */
import { fail } from 'k6';
import exec from 'k6/execution';
import type { Options, Scenario } from 'k6/options';
import { envInt, envRatio } from './lib/api.ts';
import { createFleet, keyFor, revokeFleet, type Fleet } from './lib/fleet.ts';
import { MIX_ROUTES, pickMonth, visitAll, visitOne, type Visit } from './lib/mix.ts';
import { sloThresholds } from './lib/slo.ts';
import { summaryOutputs, type SummaryData } from './lib/summary.ts';

const PROFILE = __ENV.SCENARIO || 'smoke';
const RATE = envInt('RATE', 100);
const READ_RATIO = envRatio('READ_RATIO', 0.9);
/** Enough VUs that an open model keeps its rate while requests wait on the system. */
const vus = (rate: number) => ({ preAllocatedVUs: Math.max(10, Math.ceil(rate / 5)), maxVUs: Math.max(50, rate * 2) });

const PROFILES: Record<string, Scenario> = {
  smoke: { executor: 'per-vu-iterations', exec: 'tour', vus: 1, iterations: envInt('ITERATIONS', 3), maxDuration: '5m' },
  load: {
    executor: 'constant-arrival-rate',
    exec: 'mix',
    rate: RATE,
    timeUnit: '1s',
    duration: __ENV.DURATION || '5m',
    ...vus(RATE),
    gracefulStop: '30s',
  },
  stress: {
    executor: 'ramping-arrival-rate',
    exec: 'mix',
    startRate: RATE,
    timeUnit: '1s',
    stages: [
      { target: envInt('RATE_MAX', 600), duration: __ENV.DURATION || '10m' },
      { target: envInt('RATE_MAX', 600), duration: '1m' },
    ],
    ...vus(envInt('RATE_MAX', 600)),
    gracefulStop: '30s',
  },
  spike: {
    executor: 'ramping-arrival-rate',
    exec: 'mix',
    startRate: RATE,
    timeUnit: '1s',
    stages: [
      { target: RATE, duration: '1m' },
      { target: envInt('SPIKE_RATE', 800), duration: '10s' },
      { target: envInt('SPIKE_RATE', 800), duration: '30s' },
      { target: RATE, duration: '10s' },
      { target: RATE, duration: '2m' },
    ],
    ...vus(envInt('SPIKE_RATE', 800)),
    gracefulStop: '30s',
  },
  soak: {
    executor: 'constant-arrival-rate',
    exec: 'mix',
    rate: RATE,
    timeUnit: '1s',
    duration: __ENV.DURATION || '1h',
    ...vus(RATE),
    gracefulStop: '30s',
  },
};

const scenario = PROFILES[PROFILE];
if (!scenario) fail(`SCENARIO must be one of ${Object.keys(PROFILES).join(', ')}, got "${PROFILE}"`);

export const options: Options = {
  setupTimeout: '5m',
  teardownTimeout: '2m',
  scenarios: { [PROFILE]: scenario as Scenario },
  thresholds: sloThresholds(
    MIX_ROUTES,
    PROFILE === 'smoke' ? {} : { dropped_iterations: [`count<${Math.max(1, Math.ceil(RATE * 0.01))}`] },
  ),
};

export function setup(): Fleet {
  return createFleet('traffic', {
    tenants: envInt('TENANTS', 4),
    keysPerTenant: envInt('KEYS_PER_TENANT', 2),
    months: envInt('MONTHS', 6),
    seedRows: envInt('SEED_ROWS', 200),
  });
}

export function teardown(fleet: Fleet): void {
  revokeFleet(fleet);
}

function visit(fleet: Fleet): Visit {
  const n = exec.scenario.iterationInTest;
  return {
    fleet,
    key: keyFor(fleet, n).key,
    month: pickMonth(fleet.months),
    id: `${fleet.runId}-${PROFILE}-${n}-${Math.random().toString(36).slice(2, 8)}`,
    n,
  };
}

export function tour(fleet: Fleet): void {
  visitAll({ ...visit(fleet), month: fleet.months[exec.scenario.iterationInTest % fleet.months.length] as string });
}

export function mix(fleet: Fleet): void {
  visitOne(visit(fleet), READ_RATIO);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(`traffic-${PROFILE}`, data);
}
