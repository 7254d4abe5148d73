/**
 * Shared configuration and HTTP helpers for the k6 suites. Everything targets the
 * public API (SPEC.md) through the gateway:
 *   BASE_URL       gateway URL, default http://127.0.0.1:3000
 *   ADMIN_API_KEY  creates the run's tenants (default dev-admin-key, the local default)
 *   MONTH          the newest budget month the suites read and write, default the current month (UTC)
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

/** Reads a fraction 0..1 (a ratio knob) from the environment. */
export function envRatio(name: string, fallback: number): number {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) fail(`${name} must be a number between 0 and 1, got "${raw}"`);
  return value;
}

/**
 * W3C baggage marking every request as synthetic load: the services tag the
 * request's spans and metrics with it, and monitoring keeps it out of the real
 * SLOs and user-facing alerts (SPEC "Observability").
 */
export const SYNTHETIC_BAGGAGE = 'synthetic_request=true';

export function headers(apiKey: string, contentType = 'application/json'): Record<string, string> {
  return {
    Authorization: `Bearer ${apiKey}`,
    'Content-Type': contentType,
    Accept: 'application/json',
    baggage: SYNTHETIC_BAGGAGE,
  };
}

export function json<T>(response: RefinedResponse<ResponseType | undefined>): T | null {
  try {
    return response.json() as unknown as T;
  } catch {
    return null;
  }
}

/** `YYYY-MM` shifted by `delta` months. */
export function addMonths(month: string, delta: number): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (mon - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
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

export const CATEGORIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Groceries', ['Supermarket', 'Bakery', 'Market']],
  ['Transport', ['Fuel', 'Train', 'Parking']],
  ['Housing', ['Rent', 'Electricity', 'Internet']],
  ['Leisure', ['Cinema', 'Restaurants', 'Books']],
  ['Health', ['Pharmacy', 'Doctor']],
  ['Insurance', ['Car', 'Home']],
];

export const centsToAmount = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** Deterministic for a (seed, index): reruns produce the same rows, and resends are counted as duplicates. */
export function transaction(seed: string, index: number, month = MONTH): TransactionInput {
  const hash = (index * 2_654_435_761) >>> 0;
  const [category, subcategories] = CATEGORIES[hash % CATEGORIES.length] as readonly [string, readonly string[]];
  const day = 1 + (hash % 28);
  return {
    externalId: `k6-${seed}-${index}`,
    date: `${month}-${String(day).padStart(2, '0')}`,
    label: `k6 ${category.toLowerCase()} #${index}`,
    amount: centsToAmount(100 + (hash % 20_000)),
    category,
    subcategory: subcategories[hash % subcategories.length] as string,
    expenseType: category === 'Housing' || category === 'Insurance' ? 'FIXED' : 'VARIABLE',
    member: hash % 2 === 0 ? 'm1' : 'm2',
  };
}

const CSV_FIELDS = ['externalId', 'date', 'label', 'amount', 'category', 'subcategory', 'expenseType', 'member'] as const;

/** RFC 4180 CSV of the rows, with the header row the import expects. */
export function toCsv(rows: readonly TransactionInput[]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [CSV_FIELDS.join(','), ...rows.map((row) => CSV_FIELDS.map((f) => quote(row[f])).join(','))].join('\r\n') + '\r\n';
}

/** POSTs one atomic batch; checks it was accepted in full (new rows or counted duplicates). */
export function ingestBatch(apiKey: string, rows: TransactionInput[], tag = 'ingest'): boolean {
  const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
    headers: headers(apiKey),
    tags: { name: tag, class: 'api' },
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
