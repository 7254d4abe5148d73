/**
 * Shared configuration and HTTP helpers for the k6 suites. Everything targets the
 * public API (SPEC.md) through the gateway:
 *   BASE_URL       gateway URL, default http://127.0.0.1:3000
 *   API_KEY        a tenant API key; when unset, setup() creates a throwaway tenant
 *                  with ADMIN_API_KEY (default dev-admin-key, the local default)
 *   MONTH          budget month the suites read and write, default the current month (UTC)
 */
import { check, fail } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const ADMIN_API_KEY = __ENV.ADMIN_API_KEY || 'dev-admin-key';
export const MONTH = __ENV.MONTH || new Date().toISOString().slice(0, 7);

/** Reads an integer knob from the environment, so every suite stays bounded by default. */
export function envInt(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** Data handed from setup() to every VU. */
export interface SetupData {
  apiKey: string;
  tenantId: string | null;
  /** Unique per run (setup runs once): keeps external ids fresh when API_KEY is reused across runs. */
  runId: string;
}

export function headers(apiKey: string, contentType = 'application/json'): Record<string, string> {
  return {
    Authorization: `Bearer ${apiKey}`,
    'Content-Type': contentType,
    Accept: 'application/json',
    // Marks load-test traffic as synthetic in traces (OpenTelemetry demo convention).
    baggage: 'synthetic_request=true',
  };
}

export function json<T>(response: RefinedResponse<ResponseType | undefined>): T | null {
  try {
    return response.json() as unknown as T;
  } catch {
    return null;
  }
}

/** Uses API_KEY when given; otherwise creates a tenant with two members for this run. */
export function tenantForRun(name: string): SetupData {
  const runId = __ENV.RUN_ID || Date.now().toString(36);
  if (__ENV.API_KEY) return { apiKey: __ENV.API_KEY, tenantId: null, runId };
  const response = http.post(
    `${BASE_URL}/v1/tenants`,
    JSON.stringify({
      name: `k6 ${name} ${new Date().toISOString()}`,
      currency: 'EUR',
      members: [
        { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
        { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
      ],
      split: { mode: 'proportional' },
    }),
    { headers: headers(ADMIN_API_KEY), tags: { name: 'create-tenant' } },
  );
  const body = json<{ id: string; apiKey: string }>(response);
  if (response.status !== 201 || !body?.apiKey) {
    fail(`could not create a tenant at ${BASE_URL} (status ${response.status}); set API_KEY or ADMIN_API_KEY: ${String(response.body)}`);
  }
  return { apiKey: body.apiKey, tenantId: body.id, runId };
}

export interface TransactionInput {
  externalId: string;
  date: string;
  label: string;
  amount: string;
  category: string;
  subcategory: string;
  expenseType: 'FIXED' | 'VARIABLE';
  member: string;
}

const CATEGORIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Groceries', ['Supermarket', 'Bakery', 'Market']],
  ['Transport', ['Fuel', 'Train', 'Parking']],
  ['Housing', ['Rent', 'Electricity', 'Internet']],
  ['Leisure', ['Cinema', 'Restaurants', 'Books']],
  ['Health', ['Pharmacy', 'Doctor']],
  ['Insurance', ['Car', 'Home']],
];

/** Deterministic for a (seed, index): reruns produce the same rows, and resends are counted as duplicates. */
export function transaction(seed: string, index: number, month = MONTH): TransactionInput {
  const hash = (index * 2_654_435_761) >>> 0;
  const [category, subcategories] = CATEGORIES[hash % CATEGORIES.length] as readonly [string, readonly string[]];
  const day = 1 + (hash % 28);
  const cents = 100 + (hash % 20_000);
  return {
    externalId: `k6-${seed}-${index}`,
    date: `${month}-${String(day).padStart(2, '0')}`,
    label: `k6 ${category.toLowerCase()} #${index}`,
    amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    category,
    subcategory: subcategories[hash % subcategories.length] as string,
    expenseType: category === 'Housing' || category === 'Insurance' ? 'FIXED' : 'VARIABLE',
    member: hash % 2 === 0 ? 'm1' : 'm2',
  };
}

/** POSTs one atomic batch; checks it was accepted in full (new rows or counted duplicates). */
export function ingestBatch(apiKey: string, rows: TransactionInput[], tag = 'ingest'): boolean {
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(apiKey),
    tags: { name: tag },
    timeout: '60s',
  });
  const body = json<{ accepted: number; duplicates: number }>(response);
  return check(response, {
    [`${tag}: 201`]: (r) => r.status === 201,
    [`${tag}: every row accepted or duplicate`]: () => !!body && body.accepted + body.duplicates === rows.length,
  });
}

/** Sum of two-decimal strings, exactly, in integer cents. */
export function toCents(amount: string): number {
  const negative = amount.startsWith('-');
  const [units = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}
