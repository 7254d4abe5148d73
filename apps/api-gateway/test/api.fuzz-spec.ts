import { api, createTenant, e2e, SPEC_TENANT } from '@ledgerline/testing';
import fc from 'fast-check';
import { ROUTES, type RouteDoc } from '../src/openapi/routes';
import { requestArbitrary, type FuzzRequest } from './fuzz/requests';

/**
 * The fuzz tier: for every public route, requests generated from its schema
 * and mutated (wrong types, hostile strings, exotic numbers, missing and
 * duplicate fields, odd content types, oversized bodies), sent to the real
 * stack. Each answer must be below 500; a 4xx must be problem+json, a 422
 * must name its fields; a rejected write must leave the tenant unchanged.
 * FUZZ_RUNS requests per route (a short run by default; `npm run test:fuzz`
 * runs a long one).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const MONTH = '2026-10';
const KEYS_PER_TENANT = 6;

jest.setTimeout(Math.max(120_000, RUNS * 4_000));

interface Tally {
  requests: number;
  byStatus: Map<number, number>;
  unsent: number;
}
const tally: Tally = { requests: 0, byStatus: new Map(), unsent: 0 };

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('fuzz: generated hostile requests against every route', () => {
  const keys: string[] = [];
  let importKeys: string[] = [];
  let watchKey: string;
  let turn = 0;
  const seeds = new Map<string, { params: Record<string, string[]>; query?: Record<string, string>; body?: unknown }>();

  /** What a rejected write must leave unchanged: the tenant, its lines and provisions, the month's figures. */
  async function fingerprint(): Promise<string> {
    const noCache = { 'cache-control': 'no-cache' };
    const parts = await Promise.all(
      ['/v1/tenant', '/v1/fixed-lines', '/v1/provisions', `/v1/dashboard/summary?month=${MONTH}`].map(async (path) => {
        const res = await api('GET', path, { key: watchKey, headers: noCache });
        return `${res.status} ${res.text}`;
      }),
    );
    return parts.join('\n');
  }

  /** After an accepted write the figures may still be settling: the baseline is two equal fingerprints in a row. */
  async function settledFingerprint(): Promise<string> {
    let last = await fingerprint();
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const next = await fingerprint();
      if (next === last) return next;
      last = next;
    }
    return last;
  }

  function keyFor(route: RouteDoc, request: FuzzRequest): string | undefined {
    if (request.auth === 'none') return undefined;
    if (request.auth === 'garbage') return 'll_not-a-key';
    if (route.auth === 'admin') return e2e.adminKey();
    const pool = route.path === '/v1/imports' ? importKeys : keys;
    turn += 1;
    return pool[turn % pool.length];
  }

  async function send(route: RouteDoc, request: FuzzRequest) {
    const key = keyFor(route, request);
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    let response: Response;
    try {
      response = await fetch(`${e2e.gatewayUrl()}${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : new Uint8Array(Buffer.from(request.body)),
      });
    } catch (err) {
      // The client refused to build it (an invalid URL or header): nothing reached the gateway.
      if ((err as Error).message !== 'fetch failed') {
        tally.unsent += 1;
        return undefined;
      }
      throw new Error(`the gateway dropped the connection: ${request.method} ${request.path.slice(0, 200)} [${request.mutation}]`, {
        cause: err,
      });
    }
    tally.requests += 1;
    // A live stream that opened never ends by itself: its status and type are the answer.
    const streaming = response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    const text = streaming ? ((await response.body?.cancel().then(() => '')) ?? '') : await response.text();
    tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  }

  beforeAll(async () => {
    const tenant = await createTenant({ ...SPEC_TENANT, split: { mode: 'manual', shares: { m1: '0.6', m2: '0.4' } } });
    watchKey = tenant.apiKey;
    for (let i = 0; i < KEYS_PER_TENANT; i++)
      keys.push((await api<{ apiKey: string }>('POST', '/v1/tenant/keys', { key: watchKey })).body.apiKey);
    // Imports are asynchronous: they write after their 202, so they go to a tenant nobody fingerprints.
    const other = await createTenant(SPEC_TENANT);
    importKeys = [other.apiKey];
    for (let i = 0; i < 3; i++)
      importKeys.push((await api<{ apiKey: string }>('POST', '/v1/tenant/keys', { key: other.apiKey })).body.apiKey);

    const row = {
      date: `${MONTH}-05`,
      amount: '12.50',
      category: 'Groceries',
      subcategory: 'Food',
      label: 'seed',
      member: 'm1',
      externalId: 'seed-1',
    };
    await api('POST', '/v1/transactions', { key: watchKey, body: { transactions: [row] } });
    const items = await api<{ items: { id: string }[] }>('GET', `/v1/dashboard/drill-down/Groceries?month=${MONTH}&level=transactions`, {
      key: watchKey,
    });
    const line = await api<{ id: string }>('POST', '/v1/fixed-lines', {
      key: watchKey,
      body: {
        name: 'Rent',
        category: 'Home',
        amount: '900.00',
        frequency: 'monthly',
        split: { mode: 'manual', shares: { m1: '0.5', m2: '0.5' } },
      },
    });
    const provision = await api<{ id: string }>('POST', '/v1/provisions', {
      key: watchKey,
      body: { name: 'Holidays', kind: 'percent', percent: '5' },
    });
    const task = await api<{ taskId: string }>('POST', `/v1/dashboard/refresh-async?month=${MONTH}`, { key: watchKey });
    const exportTask = await api<{ taskId: string }>('POST', '/v1/exports', { key: watchKey, body: { from: '2026-01', to: MONTH } });
    const ids = {
      transaction: items.body.items.map((i) => i.id),
      line: [line.body.id],
      provision: [provision.body.id],
      task: [task.body.taskId, exportTask.body.taskId],
    };
    const validMonth = { month: MONTH };
    const body = {
      tenants: SPEC_TENANT,
      tenant: { name: 'Doe household' },
      transactions: { transactions: [{ ...row, externalId: undefined, member: 'm2' }] },
      transactionPatch: { category: 'Home', exclude: false },
      line: {
        name: 'Gym',
        category: 'Health',
        amount: '30.00',
        frequency: 'monthly',
        split: { mode: 'member', member: 'm1' },
        startMonth: '2026-01',
      },
      linePatch: { amount: '35.00', split: { mode: 'manual', shares: { m1: '0.7', m2: '0.3' } } },
      provision: { name: 'Car', kind: 'fixed', amount: '50.00', target: '3000.00', saved: '10.00', split: { mode: 'equal' } },
      provisionPatch: { kind: 'percent', percent: '2.5', base: 'm1' },
      export: { from: '2026-01', to: '2026-03', format: 'json' },
      faults: { faults: [{ target: 'GET /v1/fuzz-nowhere', delayMs: 0, errorRate: 0 }] },
    };
    const bodies: Record<string, unknown> = {
      'POST /v1/tenants': body.tenants,
      'PATCH /v1/tenant': body.tenant,
      'POST /v1/transactions': body.transactions,
      'PATCH /v1/transactions/:id': body.transactionPatch,
      'POST /v1/fixed-lines': body.line,
      'PATCH /v1/fixed-lines/:id': body.linePatch,
      'POST /v1/provisions': body.provision,
      'PATCH /v1/provisions/:id': body.provisionPatch,
      'POST /v1/exports': body.export,
      'PUT /v1/monitoring/faults': body.faults,
      'PUT /v1/budgets': { budgets: [{ category: 'Groceries', limit: '400.00' }] },
      // The e2e stack allows private targets; nothing listens on port 9, and deliveries are off the request path anyway.
      'PUT /v1/tenant/webhooks': { webhooks: [{ url: 'https://127.0.0.1:9/hook' }] },
    };
    const queries: Record<string, Record<string, string>> = {
      '/v1/dashboard/breakdown': { ...validMonth, expenseType: 'VARIABLE' },
      '/v1/dashboard/drill-down/:category': { ...validMonth, level: 'transactions', limit: '5', subcategory: 'Food' },
      '/v1/dashboard/trends': { from: '2026-01', to: '2026-12', category: 'Groceries' },
      '/v1/monitoring/performance': { window: '5m' },
      '/v1/monitoring/report': { window: '5m' },
      '/v1/monitoring/alerts': { state: 'firing', limit: '10' },
    };
    for (const route of ROUTES) {
      const params: Record<string, string[]> = {};
      if (route.path.includes(':id')) {
        params.id = route.path.startsWith('/v1/transactions')
          ? ids.transaction
          : route.path.startsWith('/v1/fixed-lines')
            ? ids.line
            : route.path.startsWith('/v1/provisions')
              ? ids.provision
              : route.path.startsWith('/v1/tasks') || route.path.startsWith('/v1/exports')
                ? ids.task
                : []; // never a real key id: revoking the fuzzer's own keys proves nothing
      }
      if (route.path.includes(':category')) params.category = ['Groceries', encodeURIComponent('Épicerie fine')];
      const query = queries[route.path] ?? (route.query ? validMonth : undefined);
      seeds.set(`${route.method} ${route.path}`, { params, query, body: bodies[`${route.method} ${route.path}`] });
    }
  });

  afterAll(async () => {
    // The faults route is fuzzed with harmless seeds; clear whatever a mutation may have set anyway.
    await api('DELETE', '/v1/monitoring/faults', { key: e2e.adminKey() });
    const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    process.stdout.write(
      `\nfuzz: ${tally.requests} requests over ${ROUTES.length} routes (${RUNS} per route, FUZZ_RUNS), ${tally.unsent} not sendable; statuses ${statuses.join(' ')}\n`,
    );
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', async (_name, route) => {
    const seed = seeds.get(`${route.method} ${route.path}`);
    if (!seed) throw new Error('no seed');
    let baseline = route.auth === 'tenant' && route.path !== '/v1/imports' ? await settledFingerprint() : undefined;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(route, seed), async (request) => {
        const response = await send(route, request);
        if (!response) return;
        const context = `${request.method} ${request.path.slice(0, 200)} [${request.mutation}] → ${response.status} ${response.text.slice(0, 300)}`;
        if (response.status >= 500) throw new Error(`5xx for client input: ${context}`);
        if (response.status >= 400) {
          if (!response.type.startsWith('application/problem+json'))
            throw new Error(`a ${response.status} that is not problem+json: ${context}`);
          const problem = JSON.parse(response.text) as { status: number; errors?: { field?: unknown }[] };
          if (problem.status !== response.status) throw new Error(`problem status differs: ${context}`);
          if (response.status === 422) {
            const named =
              (problem.errors ?? []).length > 0 && (problem.errors ?? []).every((e) => typeof e.field === 'string' && e.field !== '');
            if (!named) throw new Error(`a 422 that names no field: ${context}`);
          }
        }
        if (baseline !== undefined && WRITE_METHODS.has(route.method)) {
          if (response.status >= 400) {
            const now = await fingerprint();
            if (now !== baseline) throw new Error(`a rejected write changed the tenant: ${context}`);
          } else {
            baseline = await settledFingerprint();
          }
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
