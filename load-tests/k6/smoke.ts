/**
 * Smoke: one VU, a few iterations through every read and write family, checking
 * answers (not only statuses). Run it first after every deploy; it fails
 * (non-zero exit) on any failed check.
 *   k6 run load-tests/k6/smoke.ts
 */
import { check, group } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { BASE_URL, MONTH, envInt, headers, ingestBatch, json, toCents, transaction } from './lib/api.ts';
import { createFleet, revokeFleet, type Fleet } from './lib/fleet.ts';
import { sloThresholds } from './lib/slo.ts';
import { summaryOutputs, type SummaryData } from './lib/summary.ts';

const READS: Array<[string, string]> = [
  ['breakdown', `/v1/dashboard/breakdown?month=${MONTH}`],
  ['drill-down', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=subcategories`],
  ['drill-down-rows', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=transactions&limit=10`],
  ['trends', `/v1/dashboard/trends?from=${MONTH}&to=${MONTH}`],
  ['stats', `/v1/dashboard/stats?month=${MONTH}`],
  ['provisions-calculate', `/v1/provisions/calculate?month=${MONTH}`],
];

export const options: Options = {
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: envInt('ITERATIONS', 3), maxDuration: '2m' },
  },
  thresholds: sloThresholds(
    Object.fromEntries([['tenant', 'api'], ['summary', 'api'], ['ingest', 'api'], ...READS.map(([name]) => [name, 'api'])]),
  ),
};

export function setup(): Fleet {
  const health = http.get(`${BASE_URL}/healthz`, { tags: { name: 'healthz' } });
  check(health, { 'gateway /healthz is 200': (r) => r.status === 200 });
  const ready = http.get(`${BASE_URL}/readyz`, { tags: { name: 'readyz' } });
  check(ready, { 'gateway /readyz is 200': (r) => r.status === 200 });
  return createFleet('smoke', { tenants: 1, keysPerTenant: 2, months: 1, seedRows: 0 });
}

export function teardown(fleet: Fleet): void {
  revokeFleet(fleet);
}

export default function smoke(fleet: Fleet): void {
  const key = fleet.tenants[0]?.keys[__ITER % 2] as string;
  const auth = { headers: headers(key) };

  group('tenant', () => {
    const response = http.get(`${BASE_URL}/v1/tenant`, { ...auth, tags: { name: 'tenant', class: 'api' } });
    check(response, { 'tenant: 200': (r) => r.status === 200 });
  });

  group('write then read', () => {
    const rows = Array.from({ length: 20 }, (_, i) => transaction(`${fleet.runId}-smoke-${__ITER}`, i));
    ingestBatch(key, rows);
    const response = http.get(`${BASE_URL}/v1/dashboard/summary?month=${MONTH}`, { ...auth, tags: { name: 'summary', class: 'api' } });
    const summary = json<{ month: string; expenses: { total: string; count: number } }>(response);
    check(response, {
      'summary: 200': (r) => r.status === 200,
      'summary: for the month asked': () => summary?.month === MONTH,
      'summary: reflects the batch (read-your-writes)': () =>
        !!summary && summary.expenses.count >= rows.length * (__ITER + 1) && toCents(summary.expenses.total) > 0,
    });
  });

  group('dashboard reads', () => {
    // A dashboard page loads its views side by side, as a browser would.
    const responses = http.batch(
      READS.map(([name, path]) => ({ method: 'GET', url: `${BASE_URL}${path}`, params: { ...auth, tags: { name, class: 'api' } } })),
    );
    READS.forEach(([name], i) => check(responses[i], { [`${name}: 200`]: (r) => r?.status === 200 }));
  });

  group('errors are problem+json', () => {
    const unauthorized = http.get(`${BASE_URL}/v1/dashboard/summary?month=${MONTH}`, {
      headers: headers('not-a-key'),
      tags: { name: 'unauthorized' },
      responseCallback: http.expectedStatuses(401),
    });
    check(unauthorized, {
      'no key: 401': (r) => r.status === 401,
      'no key: problem+json': (r) => String(r.headers['Content-Type']).startsWith('application/problem+json'),
    });
  });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('smoke', data);
}
