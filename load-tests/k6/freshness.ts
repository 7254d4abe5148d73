/**
 * Mixed read/write freshness check (SPEC "Fresh"):
 *   - writers post one transaction in a category of their own, then read it back
 *     with the same key: it must be there at once (read-your-writes), to the cent;
 *   - the same write is then polled with a second key of the tenant (another
 *     reader): `freshness_lag_ms` is how long until it shows (target p99 < 100 ms);
 *   - readers meanwhile load the month's dashboards at a constant rate.
 *   k6 run -e DURATION=1m -e WRITES_PER_S=5 -e READS_PER_S=50 load-tests/k6/freshness.ts
 * Needs ADMIN_API_KEY, or an API_KEY whose tenant allows minting keys (POST /v1/tenant/keys).
 */
import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { BASE_URL, MONTH, envInt, headers, json, tenantForRun, toCents, type SetupData } from './lib/api.ts';

const WRITES_PER_S = envInt('WRITES_PER_S', 5);
const READS_PER_S = envInt('READS_PER_S', 50);
const LAG_P99_MS = envInt('LAG_P99_MS', 100);
/** How long another reader may take before the write counts as not visible (well past the target). */
const POLL_LIMIT_MS = envInt('POLL_LIMIT_MS', 2_000);

const readYourWrites = new Rate('read_your_writes');
const visibleToOthers = new Rate('visible_to_other_readers');
const freshnessLag = new Trend('freshness_lag_ms', true);

export const options: Options = {
  setupTimeout: '1m',
  scenarios: {
    writers: {
      executor: 'constant-arrival-rate',
      exec: 'writeThenRead',
      rate: WRITES_PER_S,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Math.max(5, WRITES_PER_S * 2),
      maxVUs: Math.max(20, WRITES_PER_S * 10),
      gracefulStop: '10s',
    },
    readers: {
      executor: 'constant-arrival-rate',
      exec: 'read',
      rate: READS_PER_S,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Math.max(5, Math.ceil(READS_PER_S / 10)),
      maxVUs: Math.max(20, READS_PER_S),
      gracefulStop: '10s',
    },
  },
  thresholds: {
    read_your_writes: ['rate==1'],
    visible_to_other_readers: ['rate>0.999'],
    freshness_lag_ms: [`p(99)<${LAG_P99_MS}`],
    http_req_failed: ['rate<0.01'],
    'http_req_duration{scenario:readers}': ['p(99)<200'],
  },
};

interface FreshnessData extends SetupData {
  /** A second key of the same tenant: "every other reader". */
  otherKey: string;
}

export function setup(): FreshnessData {
  const data = tenantForRun('freshness');
  const response = http.post(`${BASE_URL}/v1/tenant/keys`, '{}', {
    headers: headers(data.apiKey),
    tags: { name: 'mint-key' },
  });
  const otherKey = json<{ apiKey?: string }>(response)?.apiKey;
  if (response.status !== 201 || !otherKey) fail(`could not mint a second API key (status ${response.status}): ${String(response.body)}`);
  return { ...data, otherKey };
}

interface SubcategoryDrillDown {
  total: string;
}

function categoryTotal(apiKey: string, category: string, name: string): number | null {
  const response = http.get(`${BASE_URL}/v1/dashboard/drill-down/${encodeURIComponent(category)}?month=${MONTH}&level=subcategories`, {
    headers: headers(apiKey),
    tags: { name },
  });
  const body = json<SubcategoryDrillDown>(response);
  return response.status === 200 && body ? toCents(body.total) : null;
}

export function writeThenRead(data: FreshnessData): void {
  // A category no other iteration writes to: its total is exactly this one amount.
  const id = `${data.runId}-${exec.scenario.iterationInTest}`;
  const category = `k6-fresh-${id}`;
  const cents = 100 + (exec.scenario.iterationInTest % 9_900);
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const write = http.post(
    `${BASE_URL}/v1/transactions`,
    JSON.stringify({ transactions: [{ externalId: id, date: `${MONTH}-15`, amount, category, label: 'k6 freshness' }] }),
    { headers: headers(data.apiKey), tags: { name: 'write' } },
  );
  const written = check(write, { 'write: 201': (r) => r.status === 201 });
  if (!written) return;
  const writtenAt = Date.now();

  // Read-your-writes: the writer's very next read must show the row, to the cent.
  readYourWrites.add(categoryTotal(data.apiKey, category, 'read-own-write') === cents);

  // Another reader: poll until visible; the lag is measured from the write's 2xx.
  let lag = -1;
  while (Date.now() - writtenAt < POLL_LIMIT_MS) {
    if (categoryTotal(data.otherKey, category, 'read-other') === cents) {
      lag = Date.now() - writtenAt;
      break;
    }
    sleep(0.01);
  }
  visibleToOthers.add(lag >= 0);
  if (lag >= 0) freshnessLag.add(lag);
}

export function read(data: FreshnessData): void {
  const response = http.get(`${BASE_URL}/v1/dashboard/summary?month=${MONTH}`, {
    headers: headers(data.otherKey),
    tags: { name: 'summary' },
  });
  check(response, { 'summary: 200': (r) => r.status === 200 });
}
