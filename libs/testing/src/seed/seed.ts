import { addMonths, generateTransactions } from './generator';
import { copyRows } from './copy-seed';

export interface SeedOptions {
  gatewayUrl: string;
  adminKey: string;
  databaseUrl: string;
  tenants: number;
  months: number;
  /** Rows per tenant and month. */
  rows: number;
  startMonth?: string;
  seed?: number;
  /** Index of the first tenant, so a later call adds different tenants to the same dataset. */
  firstTenant?: number;
  log?: (line: string) => void;
}

export interface SeededTenant {
  id: string;
  apiKey: string;
}

const MEMBERS = ['m1', 'm2', 'm3'];

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Deterministic tenants with `rows` transactions per month each: tenants
 * through the admin API, rows by COPY, rollups rebuilt through the API.
 */
export async function seedTenants(options: SeedOptions): Promise<SeededTenant[]> {
  const log = options.log ?? (() => undefined);
  const startMonth = options.startMonth ?? '2025-01';
  const seed = options.seed ?? 1;
  const tenants: SeededTenant[] = [];
  const first = options.firstTenant ?? 0;
  for (let t = first; t < first + options.tenants; t++) {
    const created = await call<{ id: string; apiKey: string }>(`${options.gatewayUrl}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `Seed household ${t + 1}`,
        members: MEMBERS.map((id, i) => ({ id, name: `Member ${id}`, monthlyRevenue: `${2000 + 1000 * i}.00`, taxRate: '20' })),
        split: { mode: 'proportional' },
      }),
    });
    const rows = generateTransactions({
      seed: seed * 100_003 + t,
      startMonth,
      months: options.months,
      rowsPerMonth: options.rows,
      members: MEMBERS,
      idPrefix: `seed-${t}`,
    });
    await copyRows(options.databaseUrl, created.id, rows);
    for (let m = 0; m < options.months; m++) {
      await call(`${options.gatewayUrl}/v1/dashboard/refresh?month=${addMonths(startMonth, m)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.apiKey}` },
      });
    }
    tenants.push({ id: created.id, apiKey: created.apiKey });
    log(`tenant ${t + 1}/${first + options.tenants}: ${options.months * options.rows} rows`);
  }
  return tenants;
}
