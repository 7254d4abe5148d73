/**
 * Freshness under mixed load (SPEC "Fresh"), across TENANTS (4) tenants:
 *   - writers post one transaction in a category of their own with a tenant's
 *     first key, then read it back with the same key: it must be there at once
 *     (read-your-writes, to the cent, 100 %);
 *   - another key of the same tenant (another reader) polls until the row shows:
 *     `freshness_lag_ms` is how long that took from the write's 2xx (SPEC: p99 < 100 ms);
 *   - readers meanwhile load the tenants' dashboards at a constant rate.
 *   k6 run -e DURATION=2m -e WRITES_PER_S=5 -e READS_PER_S=50 load-tests/k6/freshness.ts
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { BASE_URL, centsToAmount, envInt, headers, json, toCents } from './lib/api.ts';
import { createFleet, keyFor, revokeFleet, type Fleet } from './lib/fleet.ts';
import { pickMonth } from './lib/mix.ts';
import { sloThresholds } from './lib/slo.ts';
import { summaryOutputs, type SummaryData } from './lib/summary.ts';

const WRITES_PER_S = envInt('WRITES_PER_S', 5);
const READS_PER_S = envInt('READS_PER_S', 50);
const LAG_P99_MS = envInt('LAG_P99_MS', 100);
/** How long another reader may take before the write counts as not visible (well past the target). */
const POLL_LIMIT_MS = envInt('POLL_LIMIT_MS', 2_000);

const readYourWrites = new Rate('read_your_writes');
const visibleToOthers = new Rate('visible_to_other_readers');
const freshnessLag = new Trend('freshness_lag_ms', true);

export const options: Options = {
  setupTimeout: '2m',
  scenarios: {
    writers: {
      executor: 'constant-arrival-rate',
      exec: 'writeThenRead',
      rate: WRITES_PER_S,
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: Math.max(5, WRITES_PER_S * 2),
      maxVUs: Math.max(20, WRITES_PER_S * 10),
      gracefulStop: '10s',
    },
    readers: {
      executor: 'constant-arrival-rate',
      exec: 'read',
      rate: READS_PER_S,
      timeUnit: '1s',
      duration: __ENV.DURATION || '2m',
      preAllocatedVUs: Math.max(5, Math.ceil(READS_PER_S / 10)),
      maxVUs: Math.max(20, READS_PER_S),
      gracefulStop: '10s',
    },
  },
  thresholds: sloThresholds(
    { write: 'api', 'read-own-write': 'api', 'read-other': 'api', summary: 'api' },
    {
      read_your_writes: ['rate==1'],
      visible_to_other_readers: ['rate>0.999'],
      freshness_lag_ms: [`p(99)<${LAG_P99_MS}`],
    },
  ),
};

export function setup(): Fleet {
  // Two keys per tenant at least: the writer's and another reader's.
  return createFleet('freshness', {
    tenants: envInt('TENANTS', 4),
    keysPerTenant: Math.max(2, envInt('KEYS_PER_TENANT', 2)),
    months: 2,
    seedRows: envInt('SEED_ROWS', 100),
  });
}

export function teardown(fleet: Fleet): void {
  revokeFleet(fleet);
}

const drillDown = (apiKey: string, month: string, category: string, name: string) => ({
  method: 'GET',
  url: `${BASE_URL}/v1/dashboard/drill-down/${encodeURIComponent(category)}?month=${month}&level=subcategories`,
  params: { headers: headers(apiKey), tags: { name, class: 'api' } },
});

function totalOf(response: RefinedResponse<ResponseType | undefined> | undefined): number | null {
  const body = response ? json<{ total: string }>(response) : null;
  return response?.status === 200 && body ? toCents(body.total) : null;
}

export function writeThenRead(fleet: Fleet): void {
  const n = exec.scenario.iterationInTest;
  const tenant = fleet.tenants[n % fleet.tenants.length] as Fleet['tenants'][number];
  const [writerKey, otherKey] = tenant.keys as [string, string];
  const month = fleet.months[0] as string;
  // A category no other iteration writes to: its total is exactly this one amount.
  const id = `${fleet.runId}-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const category = `k6-fresh-${id}`;
  const cents = 100 + (n % 9_900);
  const write = http.post(
    `${BASE_URL}/v1/transactions`,
    JSON.stringify({
      transactions: [{ externalId: id, date: `${month}-15`, amount: centsToAmount(cents), category, label: 'k6 freshness' }],
    }),
    { headers: headers(writerKey), tags: { name: 'write', class: 'api' } },
  );
  if (!check(write, { 'write: 201': (r) => r.status === 201 })) return;
  const writtenAt = Date.now();

  // The writer's next read and another reader's first read leave together, right after the write's 2xx:
  // the writer's must show the row to the cent (read-your-writes); the other's lag is measured from the 2xx.
  const [own, other] = http.batch([
    drillDown(writerKey, month, category, 'read-own-write'),
    drillDown(otherKey, month, category, 'read-other'),
  ]);
  readYourWrites.add(totalOf(own) === cents);
  // The batch returns once both answered: the other reader's answer arrived max(0, own − other) before that.
  const otherEarlier = Math.max(0, (own?.timings.duration ?? 0) - (other?.timings.duration ?? 0));
  let lag = totalOf(other) === cents ? Date.now() - writtenAt - otherEarlier : -1;
  // Not there yet: keep polling as that reader, up to POLL_LIMIT_MS.
  const poll = drillDown(otherKey, month, category, 'read-other');
  while (lag < 0 && Date.now() - writtenAt < POLL_LIMIT_MS) {
    sleep(0.01);
    if (totalOf(http.get(poll.url, poll.params)) === cents) lag = Date.now() - writtenAt;
  }
  visibleToOthers.add(lag >= 0);
  if (lag >= 0) freshnessLag.add(lag);
}

export function read(fleet: Fleet): void {
  const n = exec.scenario.iterationInTest;
  const response = http.get(`${BASE_URL}/v1/dashboard/summary?month=${pickMonth(fleet.months)}`, {
    headers: headers(keyFor(fleet, n).key),
    tags: { name: 'summary', class: 'api' },
  });
  check(response, { 'summary: 200': (r) => r.status === 200 });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('freshness', data);
}
