/**
 * The realistic traffic mix: which route, which month, read or write.
 * Weights follow how a dashboard is used: the summary dominates, then the views
 * a user opens from it; writes are mostly small batches, occasionally an edit,
 * a CSV import or an export. READ_RATIO (default 0.9) splits reads from writes.
 * Months: the current one most, the previous one often, older ones sometimes,
 * so more than the hottest cache entries are exercised.
 */
import { check, fail, sleep } from 'k6';
import http from 'k6/http';
import { BASE_URL, CATEGORIES, addMonths, envInt, headers, json, toCsv, transaction } from './api.ts';
import type { Fleet } from './fleet.ts';
import type { RouteClass } from './slo.ts';

export interface Visit {
  fleet: Fleet;
  key: string;
  month: string;
  /** Unique per iteration of the run: fresh external ids for writes. */
  id: string;
  /** 0.. picks categories and variants deterministically. */
  n: number;
}

interface Route {
  name: string;
  kind: 'read' | 'write';
  weight: number;
  run(visit: Visit): void;
}

/** Every request name the mix can send and its SLO class (polling and downloads included). */
export const MIX_ROUTES: Record<string, RouteClass> = {
  summary: 'api',
  breakdown: 'api',
  'drill-down': 'api',
  'drill-down-rows': 'api',
  'drill-down-page': 'api',
  trends: 'api',
  stats: 'api',
  'provisions-calculate': 'api',
  'fixed-lines': 'api',
  write: 'api',
  recategorize: 'api',
  import: 'api',
  'import-status': 'api',
  export: 'api',
  'task-status': 'api',
  'export-download': 'api',
};

const PAGES = envInt('DRILL_DOWN_PAGES', 2);
const IMPORT_ROWS = envInt('IMPORT_ROWS', 200);
/** How long an import or export may take to finish before the check fails. */
const TASK_WAIT_S = envInt('TASK_WAIT_S', 30);

const get = (visit: Visit, name: string, path: string) => {
  const response = http.get(`${BASE_URL}${path}`, { headers: headers(visit.key), tags: { name, class: MIX_ROUTES[name] ?? 'api' } });
  check(response, { [`${name}: 200`]: (r) => r.status === 200 });
  return response;
};

const categoryOf = (n: number) => (CATEGORIES[n % CATEGORIES.length] as readonly [string, readonly string[]])[0];

/** Polls a status URL until `done` says so, at most TASK_WAIT_S; true when it finished well. */
function waitFor(visit: Visit, name: string, path: string, done: (body: { status?: string }) => boolean | null): boolean {
  for (let waited = 0; waited < TASK_WAIT_S * 5; waited++) {
    const body = json<{ status?: string }>(get(visit, name, path));
    const state = body ? done(body) : false;
    if (state !== null) return state;
    sleep(0.2);
  }
  return false;
}

const ROUTES: Route[] = [
  { name: 'summary', kind: 'read', weight: 40, run: (v) => void get(v, 'summary', `/v1/dashboard/summary?month=${v.month}`) },
  {
    name: 'breakdown',
    kind: 'read',
    weight: 14,
    run: (v) => void get(v, 'breakdown', `/v1/dashboard/breakdown?month=${v.month}${v.n % 3 === 0 ? '&expenseType=VARIABLE' : ''}`),
  },
  {
    name: 'drill-down',
    kind: 'read',
    weight: 10,
    run: (v) => void get(v, 'drill-down', `/v1/dashboard/drill-down/${categoryOf(v.n)}?month=${v.month}&level=subcategories`),
  },
  {
    name: 'drill-down-rows',
    kind: 'read',
    weight: 8,
    run: (v) => {
      // A user paging through a category's rows: each page continues from the last one's cursor, never repeating a row.
      const base = `/v1/dashboard/drill-down/${categoryOf(v.n)}?month=${v.month}&level=transactions&limit=20`;
      let page = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(get(v, 'drill-down-rows', base));
      const seen = new Set(page?.items.map((i) => i.id));
      for (let p = 1; p < PAGES && page?.nextCursor; p++) {
        page = json(get(v, 'drill-down-page', `${base}&cursor=${encodeURIComponent(page.nextCursor)}`));
        const items = page?.items ?? [];
        check(items, { 'drill-down-page: no row repeated': (list) => list.every((i) => !seen.has(i.id)) });
        for (const item of items) seen.add(item.id);
      }
    },
  },
  {
    name: 'trends',
    kind: 'read',
    weight: 9,
    run: (v) =>
      void get(
        v,
        'trends',
        `/v1/dashboard/trends?from=${addMonths(v.month, -11)}&to=${v.month}${v.n % 2 === 0 ? `&category=${categoryOf(v.n)}` : ''}`,
      ),
  },
  { name: 'stats', kind: 'read', weight: 9, run: (v) => void get(v, 'stats', `/v1/dashboard/stats?month=${v.month}`) },
  {
    name: 'provisions-calculate',
    kind: 'read',
    weight: 7,
    run: (v) => void get(v, 'provisions-calculate', `/v1/provisions/calculate?month=${v.month}`),
  },
  { name: 'fixed-lines', kind: 'read', weight: 3, run: (v) => void get(v, 'fixed-lines', '/v1/fixed-lines') },
  {
    name: 'write',
    kind: 'write',
    weight: 85,
    run: (v) => {
      const rows = Array.from({ length: 1 + (v.n % 10) }, (_, i) => transaction(`${v.id}-w`, i, v.month));
      const response = http.post(`${BASE_URL}/v1/transactions`, JSON.stringify({ transactions: rows }), {
        headers: headers(v.key),
        tags: { name: 'write', class: 'api' },
      });
      const body = json<{ accepted: number }>(response);
      check(response, { 'write: 201': (r) => r.status === 201, 'write: every row accepted': () => body?.accepted === rows.length });
    },
  },
  {
    name: 'recategorize',
    kind: 'write',
    weight: 9,
    run: (v) => {
      const rows = json<{ items: Array<{ id: string; label: string | null }> }>(
        get(v, 'drill-down-rows', `/v1/dashboard/drill-down/${categoryOf(v.n)}?month=${v.month}&level=transactions&limit=5`),
      );
      const row = rows?.items[v.n % Math.max(1, rows.items.length)];
      if (!row) return;
      const response = http.patch(`${BASE_URL}/v1/transactions/${row.id}`, JSON.stringify({ label: `k6 edited ${v.id}` }), {
        headers: headers(v.key),
        tags: { name: 'recategorize', class: 'api' },
      });
      check(response, { 'recategorize: 200': (r) => r.status === 200 });
    },
  },
  {
    name: 'import',
    kind: 'write',
    weight: 3,
    run: (v) => {
      const csv = toCsv(Array.from({ length: IMPORT_ROWS }, (_, i) => transaction(`${v.id}-csv`, i, v.month)));
      const response = http.post(`${BASE_URL}/v1/imports`, csv, {
        headers: headers(v.key, 'text/csv'),
        tags: { name: 'import', class: 'api' },
      });
      const id = json<{ id: string }>(response)?.id;
      if (!check(response, { 'import: 202': (r) => r.status === 202 }) || !id) return;
      const succeeded = waitFor(v, 'import-status', `/v1/imports/${id}`, (b) =>
        b.status === 'succeeded' ? true : b.status === 'failed' ? false : null,
      );
      check(succeeded, { 'import: succeeded': (ok) => ok });
    },
  },
  {
    name: 'export',
    kind: 'write',
    weight: 3,
    run: (v) => {
      const from = v.fleet.months[v.fleet.months.length - 1] as string;
      const response = http.post(
        `${BASE_URL}/v1/exports`,
        JSON.stringify({ from, to: v.fleet.months[0], format: v.n % 2 ? 'json' : 'csv' }),
        {
          headers: headers(v.key),
          tags: { name: 'export', class: 'api' },
        },
      );
      const taskId = json<{ taskId: string }>(response)?.taskId;
      if (!check(response, { 'export: 202': (r) => r.status === 202 }) || !taskId) return;
      const succeeded = waitFor(v, 'task-status', `/v1/tasks/${taskId}`, (b) =>
        b.status === 'succeeded' ? true : b.status === 'failed' || b.status === 'cancelled' ? false : null,
      );
      if (check(succeeded, { 'export: succeeded': (ok) => ok })) get(v, 'export-download', `/v1/exports/${taskId}/download`);
    },
  },
];

const pickWeighted = (routes: Route[]): Route => {
  const total = routes.reduce((n, r) => n + r.weight, 0);
  let draw = Math.random() * total;
  for (const route of routes) if ((draw -= route.weight) < 0) return route;
  return routes[routes.length - 1] as Route;
};

/** Current month 60 %, the previous one 25 %, the older ones share the rest. */
export function pickMonth(months: readonly string[]): string {
  const draw = Math.random();
  if (months.length === 1 || draw < 0.6) return months[0] as string;
  if (months.length === 2 || draw < 0.85) return months[1] as string;
  return months[2 + Math.floor(Math.random() * (months.length - 2))] as string;
}

/** One request (or one short user action) drawn from the mix. */
export function visitOne(visit: Visit, readRatio: number): void {
  const kind = Math.random() < readRatio ? 'read' : 'write';
  pickWeighted(ROUTES.filter((r) => r.kind === kind)).run(visit);
}

/** One named route of the mix (the ingest suite runs the CSV import on its own). */
export function runRoute(name: string, visit: Visit): void {
  const route = ROUTES.find((r) => r.name === name);
  if (!route) fail(`no route ${name} in the mix`);
  route.run(visit);
}

/** Every route once, in order: the smoke profile, so each route of the mix is proven on every run. */
export function visitAll(visit: Visit): void {
  for (const route of ROUTES) route.run(visit);
}
