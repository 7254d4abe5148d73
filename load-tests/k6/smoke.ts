/**
 * Smoke: one VU, a few iterations through every read and write family. Run it
 * first after every deploy; it fails (non-zero exit) on any failed check.
 *   k6 run load-tests/k6/smoke.ts
 */
import { check, group } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { BASE_URL, MONTH, envInt, headers, ingestBatch, json, tenantForRun, toCents, transaction, type SetupData } from './lib/api.ts';

export const options: Options = {
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: envInt('ITERATIONS', 3), maxDuration: '2m' },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(95)<1000'],
  },
};

export function setup(): SetupData {
  const health = http.get(`${BASE_URL}/healthz`, { tags: { name: 'healthz' } });
  check(health, { 'gateway /healthz is 200': (r) => r.status === 200 });
  const ready = http.get(`${BASE_URL}/readyz`, { tags: { name: 'readyz' } });
  check(ready, { 'gateway /readyz is 200': (r) => r.status === 200 });
  return tenantForRun('smoke');
}

export default function smoke(data: SetupData): void {
  const auth = { headers: headers(data.apiKey) };

  group('tenant', () => {
    const response = http.get(`${BASE_URL}/v1/tenant`, { ...auth, tags: { name: 'tenant' } });
    check(response, { 'tenant: 200': (r) => r.status === 200 });
  });

  group('write then read', () => {
    const rows = Array.from({ length: 20 }, (_, i) => transaction(`${data.runId}-smoke-${__ITER}`, i));
    ingestBatch(data.apiKey, rows);
    const response = http.get(`${BASE_URL}/v1/dashboard/summary?month=${MONTH}`, { ...auth, tags: { name: 'summary' } });
    const summary = json<{ month: string; expenses: { total: string; count: number } }>(response);
    check(response, {
      'summary: 200': (r) => r.status === 200,
      'summary: for the month asked': () => summary?.month === MONTH,
      'summary: reflects the batch (read-your-writes)': () =>
        !!summary && summary.expenses.count >= rows.length && toCents(summary.expenses.total) > 0,
    });
  });

  group('dashboard reads', () => {
    const reads: Array<[string, string]> = [
      ['breakdown', `/v1/dashboard/breakdown?month=${MONTH}`],
      ['drill-down', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=subcategories`],
      ['drill-down-rows', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=transactions&limit=10`],
      ['trends', `/v1/dashboard/trends?from=${MONTH}&to=${MONTH}`],
      ['stats', `/v1/dashboard/stats?month=${MONTH}`],
      ['provisions-calculate', `/v1/provisions/calculate?month=${MONTH}`],
    ];
    for (const [name, path] of reads) {
      const response = http.get(`${BASE_URL}${path}`, { ...auth, tags: { name } });
      check(response, { [`${name}: 200`]: (r) => r.status === 200 });
    }
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
