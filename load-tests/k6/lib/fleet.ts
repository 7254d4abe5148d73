/**
 * The run's tenants and keys. One tenant and one key would cap every run at the
 * per-key read limit (200/s) and exercise one tenant's hot cache entries only, so
 * setup creates TENANTS tenants through the admin API, each with KEYS_PER_TENANT
 * keys, seeds each over several months, and teardown revokes every key (the
 * public API has no tenant deletion: what is left is a tenant nobody can reach).
 */
import { check, fail } from 'k6';
import http from 'k6/http';
import { ADMIN_API_KEY, BASE_URL, MONTH, addMonths, headers, ingestBatch, json, transaction } from './api.ts';

export interface FleetTenant {
  id: string;
  /** The first key (from tenant creation) first, then the minted ones. */
  keys: string[];
}

export interface Fleet {
  /** Unique per run (setup runs once): keeps external ids fresh across runs. */
  runId: string;
  tenants: FleetTenant[];
  /** The months seeded and read, newest first (MONTH and the MONTHS − 1 before it). */
  months: string[];
}

export interface FleetOptions {
  tenants: number;
  keysPerTenant: number;
  months: number;
  /** Rows seeded per tenant and month, so reads find something. */
  seedRows: number;
}

const TENANT_BODY = {
  currency: 'EUR',
  members: [
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' },
};

export function createFleet(name: string, options: FleetOptions): Fleet {
  const runId = __ENV.RUN_ID || `${name}-${Date.now().toString(36)}`;
  const months = Array.from({ length: Math.max(1, options.months) }, (_, i) => addMonths(MONTH, -i));
  const tenants: FleetTenant[] = [];
  for (let t = 0; t < Math.max(1, options.tenants); t++) {
    const created = http.post(`${BASE_URL}/v1/tenants`, JSON.stringify({ ...TENANT_BODY, name: `k6 ${runId} #${t}` }), {
      headers: headers(ADMIN_API_KEY),
      tags: { name: 'create-tenant' },
    });
    const body = json<{ id: string; apiKey: string }>(created);
    if (created.status !== 201 || !body?.apiKey) {
      fail(`could not create a tenant at ${BASE_URL} (status ${created.status}); is ADMIN_API_KEY right? ${String(created.body)}`);
    }
    const tenant: FleetTenant = { id: body.id, keys: [body.apiKey] };
    for (let k = 1; k < Math.max(1, options.keysPerTenant); k++) {
      const minted = http.post(`${BASE_URL}/v1/tenant/keys`, '{}', { headers: headers(body.apiKey), tags: { name: 'mint-key' } });
      const key = json<{ apiKey: string }>(minted)?.apiKey;
      if (minted.status !== 201 || !key) fail(`could not mint a key (status ${minted.status}): ${String(minted.body)}`);
      tenant.keys.push(key);
    }
    for (const month of months) {
      for (let start = 0; start < options.seedRows; start += 1_000) {
        const rows = Array.from({ length: Math.min(1_000, options.seedRows - start) }, (_, i) =>
          transaction(`${runId}-seed-${t}`, start + i, month),
        );
        ingestBatch(tenant.keys[0] as string, rows, 'seed');
      }
    }
    tenants.push(tenant);
  }
  return { runId, tenants, months };
}

/** Revokes every key of every tenant of the run; the key doing the revoking goes last. */
export function revokeFleet(fleet: Fleet): void {
  for (const tenant of fleet.tenants) {
    const first = tenant.keys[0] as string;
    const listed = http.get(`${BASE_URL}/v1/tenant/keys`, { headers: headers(first), tags: { name: 'list-keys' } });
    const current = json<{ id: string }>(
      http.get(`${BASE_URL}/v1/tenant/keys/current`, { headers: headers(first), tags: { name: 'current-key' } }),
    );
    const ids = (json<{ keys: Array<{ id: string; revokedAt?: string | null }> }>(listed)?.keys ?? [])
      .filter((k) => !k.revokedAt)
      .map((k) => k.id);
    const ordered = [...ids.filter((id) => id !== current?.id), ...(current ? [current.id] : [])];
    for (const id of ordered) {
      // No Content-Type: a DELETE has no body, and an empty body declared as JSON is a 400.
      const { Authorization, baggage } = headers(first);
      const revoked = http.del(`${BASE_URL}/v1/tenant/keys/${id}`, null, {
        headers: { Authorization, baggage },
        tags: { name: 'revoke-key' },
      });
      check(revoked, { 'teardown: key revoked (204)': (r) => r.status === 204 });
    }
  }
}

/** Spreads iterations over every key of every tenant, so no single key's rate limit caps the run. */
export function keyFor(fleet: Fleet, n: number): { tenant: FleetTenant; key: string; tenantIndex: number } {
  const tenantIndex = n % fleet.tenants.length;
  const tenant = fleet.tenants[tenantIndex] as FleetTenant;
  return { tenant, tenantIndex, key: tenant.keys[Math.floor(n / fleet.tenants.length) % tenant.keys.length] as string };
}
