/**
 * Dashboard reads at a constant arrival rate (open model: the rate holds even when
 * the system slows down, so latency is not hidden by fewer requests).
 *   k6 run -e RATE=200 -e DURATION=1m load-tests/k6/dashboard-reads.ts
 * Knobs: RATE (requests/s, default 100), DURATION (default 1m), SEED_ROWS (rows
 * written in setup so there is something to read, default 2000; 0 to skip),
 * P99_MS (default 200: the API warning threshold in SPEC.md).
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { BASE_URL, MONTH, envInt, headers, ingestBatch, tenantForRun, transaction, type SetupData } from './lib/api.ts';

const RATE = envInt('RATE', 100);
const P99_MS = envInt('P99_MS', 200);
const SEED_ROWS = envInt('SEED_ROWS', 2_000);
const READS = ['summary', 'breakdown', 'drill-down', 'trends', 'stats'] as const;
type Read = (typeof READS)[number];

const thresholds: NonNullable<Options['thresholds']> = {
  http_req_failed: ['rate<0.01'],
  checks: ['rate>0.99'],
  'http_req_duration{scenario:reads}': [`p(99)<${P99_MS}`, `p(95)<${Math.ceil(P99_MS / 2)}`],
  // Requests the open model could not start because every VU was busy: capacity, not latency.
  dropped_iterations: [`rate<${Math.max(0.01, RATE * 0.01)}`],
};
for (const read of READS) thresholds[`http_req_duration{scenario:reads,name:${read}}`] = [`p(99)<${P99_MS}`];

export const options: Options = {
  setupTimeout: '2m',
  scenarios: {
    reads: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Math.max(10, Math.ceil(RATE / 10)),
      maxVUs: Math.max(50, RATE),
      gracefulStop: '10s',
    },
  },
  thresholds,
};

export function setup(): SetupData {
  const data = tenantForRun('dashboard-reads');
  for (let start = 0; start < SEED_ROWS; start += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, SEED_ROWS - start) }, (_, i) => transaction(`${data.runId}-reads`, start + i));
    ingestBatch(data.apiKey, rows, 'seed');
  }
  return data;
}

function path(read: Read): string {
  switch (read) {
    case 'summary':
      return `/v1/dashboard/summary?month=${MONTH}`;
    case 'breakdown':
      return `/v1/dashboard/breakdown?month=${MONTH}`;
    case 'drill-down':
      return `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=subcategories`;
    case 'trends':
      return `/v1/dashboard/trends?from=${MONTH.slice(0, 4)}-01&to=${MONTH}`;
    case 'stats':
      return `/v1/dashboard/stats?month=${MONTH}`;
  }
}

export default function dashboardReads(data: SetupData): void {
  // Summary dominates real dashboard traffic: half the requests, the rest spread evenly.
  const read: Read = Math.random() < 0.5 ? 'summary' : (READS[1 + Math.floor(Math.random() * (READS.length - 1))] as Read);
  const response = http.get(`${BASE_URL}${path(read)}`, { headers: headers(data.apiKey), tags: { name: read } });
  check(response, { [`${read}: 200`]: (r) => r.status === 200 });
}
