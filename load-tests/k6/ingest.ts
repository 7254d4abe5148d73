/**
 * Ingest: atomic JSON batches at a constant arrival rate, each a fresh set of rows,
 * reporting rows/s accepted. A duplicate-resend scenario checks that resending a
 * batch is answered with duplicates, never stored twice.
 *   k6 run -e BATCHES_PER_S=5 -e BATCH_SIZE=1000 -e DURATION=1m load-tests/k6/ingest.ts
 * Knobs: BATCHES_PER_S (default 2), BATCH_SIZE (1..10000, default 500), DURATION (default 1m),
 * P99_MS for one batch (default 2000).
 */
import { check, fail } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { BASE_URL, envInt, headers, ingestBatch, json, tenantForRun, transaction, type SetupData } from './lib/api.ts';

const BATCHES_PER_S = envInt('BATCHES_PER_S', 2);
const BATCH_SIZE = envInt('BATCH_SIZE', 500);
const P99_MS = envInt('P99_MS', 2_000);
if (BATCH_SIZE < 1 || BATCH_SIZE > 10_000) fail('BATCH_SIZE must be between 1 and 10000 (the API limit)');

const rowsAccepted = new Counter('rows_accepted');
const rowsDuplicate = new Counter('rows_duplicate');

export const options: Options = {
  scenarios: {
    batches: {
      executor: 'constant-arrival-rate',
      exec: 'batches',
      rate: BATCHES_PER_S,
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: Math.max(4, BATCHES_PER_S * 2),
      maxVUs: Math.max(20, BATCHES_PER_S * 10),
      gracefulStop: '30s',
    },
    resends: {
      executor: 'per-vu-iterations',
      exec: 'resends',
      vus: 1,
      iterations: envInt('RESENDS', 5),
      maxDuration: '2m',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    'http_req_duration{name:ingest}': [`p(99)<${P99_MS}`],
    'checks{scenario:resends}': ['rate==1'],
  },
};

export function setup(): SetupData {
  return tenantForRun('ingest');
}

export function batches(data: SetupData): void {
  // iterationInTest is unique across VUs: every batch carries new external ids.
  const batch = exec.scenario.iterationInTest;
  const rows = Array.from({ length: BATCH_SIZE }, (_, i) => transaction(`${data.runId}-ingest-${batch}`, i));
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(data.apiKey),
    tags: { name: 'ingest' },
    timeout: '60s',
  });
  const body = json<{ accepted: number; duplicates: number; applied?: boolean }>(response);
  check(response, {
    'ingest: 201': (r) => r.status === 201,
    'ingest: every row accepted': () => body?.accepted === BATCH_SIZE,
  });
  if (body) {
    rowsAccepted.add(body.accepted);
    rowsDuplicate.add(body.duplicates);
  }
}

export function resends(data: SetupData): void {
  const rows = Array.from({ length: 50 }, (_, i) => transaction(`${data.runId}-resend-${__ITER}`, i));
  ingestBatch(data.apiKey, rows, 'resend-first');
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(data.apiKey),
    tags: { name: 'resend-again' },
  });
  const body = json<{ accepted: number; duplicates: number }>(response);
  check(response, {
    'resend: 201': (r) => r.status === 201,
    'resend: nothing stored twice': () => body?.accepted === 0 && body.duplicates === rows.length,
  });
}
