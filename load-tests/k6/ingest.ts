/**
 * Ingest: atomic JSON batches at a constant arrival rate, each a fresh set of rows,
 * reporting rows/s accepted; resends must come back as duplicates, never stored
 * twice; CSV imports (POST /v1/imports, text/csv) run to completion.
 *   k6 run -e BATCHES_PER_S=5 -e BATCH_SIZE=1000 -e DURATION=1m load-tests/k6/ingest.ts
 * Knobs: BATCHES_PER_S (2), BATCH_SIZE (1..10000, 500), DURATION (1m), P99_MS for
 * one batch (2000), RESENDS (5), IMPORTS (3) of IMPORT_ROWS (200) rows, TENANTS (2).
 */
import { check, fail } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { BASE_URL, envInt, headers, ingestBatch, json, transaction } from './lib/api.ts';
import { createFleet, keyFor, revokeFleet, type Fleet } from './lib/fleet.ts';
import { runRoute } from './lib/mix.ts';
import { SLO } from './lib/slo.ts';
import { summaryOutputs, type SummaryData } from './lib/summary.ts';

const BATCHES_PER_S = envInt('BATCHES_PER_S', 2);
const BATCH_SIZE = envInt('BATCH_SIZE', 500);
const P99_MS = envInt('P99_MS', 2_000);
if (BATCH_SIZE < 1 || BATCH_SIZE > 10_000) fail('BATCH_SIZE must be between 1 and 10000 (the API limit)');

const rowsAccepted = new Counter('rows_accepted');
const rowsDuplicate = new Counter('rows_duplicate');

export const options: Options = {
  setupTimeout: '2m',
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
    resends: { executor: 'per-vu-iterations', exec: 'resends', vus: 1, iterations: envInt('RESENDS', 5), maxDuration: '2m' },
    imports: { executor: 'per-vu-iterations', exec: 'imports', vus: 1, iterations: envInt('IMPORTS', 3), maxDuration: '5m' },
  },
  // Large batches are not held to the 200 ms route objective (a 10,000-row batch is one long statement): their own P99_MS.
  thresholds: {
    http_req_failed: ['rate<0.001'],
    checks: ['rate>0.999'],
    'http_req_duration{name:ingest}': [`p(99)<${P99_MS}`],
    'checks{scenario:resends}': ['rate==1'],
    'http_req_duration{name:import}': [`p(95)<${SLO.p95Ms.api.warning}`],
  },
};

export function setup(): Fleet {
  // Imports are limited per key (5 a minute): spread them over several keys.
  return createFleet('ingest', { tenants: envInt('TENANTS', 2), keysPerTenant: 3, months: 1, seedRows: 0 });
}

export function teardown(fleet: Fleet): void {
  revokeFleet(fleet);
}

export function batches(fleet: Fleet): void {
  // iterationInTest is unique across VUs: every batch carries new external ids.
  const n = exec.scenario.iterationInTest;
  const rows = Array.from({ length: BATCH_SIZE }, (_, i) => transaction(`${fleet.runId}-ingest-${n}`, i));
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(keyFor(fleet, n).key),
    tags: { name: 'ingest' },
    timeout: '60s',
  });
  const body = json<{ accepted: number; duplicates: number }>(response);
  check(response, {
    'ingest: 201': (r) => r.status === 201,
    'ingest: every row accepted': () => body?.accepted === BATCH_SIZE,
  });
  if (body) {
    rowsAccepted.add(body.accepted);
    rowsDuplicate.add(body.duplicates);
  }
}

export function resends(fleet: Fleet): void {
  const key = keyFor(fleet, __ITER).key;
  const rows = Array.from({ length: 50 }, (_, i) => transaction(`${fleet.runId}-resend-${__ITER}`, i));
  ingestBatch(key, rows, 'resend-first');
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(key),
    tags: { name: 'resend-again' },
  });
  const body = json<{ accepted: number; duplicates: number }>(response);
  check(response, {
    'resend: 201': (r) => r.status === 201,
    'resend: nothing stored twice': () => body?.accepted === 0 && body.duplicates === rows.length,
  });
}

export function imports(fleet: Fleet): void {
  const n = exec.scenario.iterationInTest;
  runRoute('import', { fleet, key: keyFor(fleet, n).key, month: fleet.months[0] as string, id: `${fleet.runId}-import-${n}`, n });
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs('ingest', data);
}
