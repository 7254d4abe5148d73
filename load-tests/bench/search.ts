import { seedTenants } from '@ledgerline/testing';
import { Client } from 'pg';
import { BENCH_ADMIN_KEY, percentile, round, startBenchStack } from './bench-stack';

/**
 * npm run bench:search — GET /v1/transactions at 1M rows for one tenant:
 * p50/p99 of five typical searches through the gateway, with the search
 * indexes and, in the same run on the same data, after dropping them. Then
 * the cold (uncached) per-member breakdown next to the household one.
 *
 * BENCH_SEARCH_ROWS (default 1,000,000) and BENCH_SEARCH_SAMPLES shrink it
 * for a quick run; BENCH_SEARCH_OTHER_ROWS adds other tenants' rows around
 * the measured one (the per-member figure at a bigger table). Without the
 * indexes some searches exceed the services' statement bound (504); those
 * are counted as `timedOut`, with the time they took.
 */
const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const OTHER_ROWS = Number(process.env.BENCH_SEARCH_OTHER_ROWS ?? 0);
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 300);
const UNINDEXED_SAMPLES = Number(process.env.BENCH_SEARCH_UNINDEXED_SAMPLES ?? 20);
const MONTHS = 12;
const MONTH = '2025-06';
const TARGET_P99_MS = 50;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** What a budgeting app's search screen sends (first page, default limit 50). */
const SEARCHES: Record<string, string> = {
  word: 'q=carrefour',
  twoAccentedWords: 'q=CAFE%20march%C3%A9',
  memberDateRangeWord: 'q=zurich&member=m2&from=2025-03&to=2025-08',
  categoryAmountRange: 'category=Groceries&minAmount=50&maxAmount=150',
  prefixTypeNotExcluded: 'q=pharm&expenseType=VARIABLE&excluded=false',
};

/** The indexes migration TransactionSearch1765000000000 creates (dropped for the reference run). */
const SEARCH_INDEXES = [
  'transactions_search_idx',
  'transactions_tenant_date_idx',
  'transactions_member_date_idx',
  'transactions_category_date_idx',
];

interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests the service cut at its statement bound (504): their time counts, so percentiles are lower bounds. */
  timedOut?: number;
}

class TimedOut extends Error {}

async function measure(samples: number, warmup: number, run: () => Promise<unknown>): Promise<Latency> {
  const attempt = () => run().catch((error: unknown) => (error instanceof TimedOut ? 'timed-out' : Promise.reject(error)));
  for (let i = 0; i < warmup; i++) await attempt();
  const times: number[] = [];
  let timedOut = 0;
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    if ((await attempt()) === 'timed-out') timedOut += 1;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { samples, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), ...(timedOut > 0 ? { timedOut } : {}) };
}

async function get(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await fetch(url, { headers });
  if (res.status === 504) throw new TimedOut(`${url}: 504`);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  const pg = new Client({ connectionString: stack.infra.env.DATABASE_URL });
  await pg.connect();
  try {
    const rowsPerMonth = Math.ceil(ROWS / MONTHS);
    const seedStarted = performance.now();
    const [tenant] = await seedTenants({
      gatewayUrl: stack.gatewayUrl,
      adminKey: BENCH_ADMIN_KEY,
      databaseUrl: stack.infra.env.DATABASE_URL,
      tenants: 1,
      months: MONTHS,
      rows: rowsPerMonth,
      log,
    });
    if (!tenant) throw new Error('no tenant seeded');
    const otherTenants = Math.round(OTHER_ROWS / ROWS);
    if (otherTenants > 0) {
      await seedTenants({
        gatewayUrl: stack.gatewayUrl,
        adminKey: BENCH_ADMIN_KEY,
        databaseUrl: stack.infra.env.DATABASE_URL,
        tenants: otherTenants,
        firstTenant: 1,
        months: MONTHS,
        rows: rowsPerMonth,
        log,
      });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await pg.query('VACUUM ANALYZE ingestion.transactions');
    const rows = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM ingestion.transactions')).rows[0]?.n);
    log(`${rows} rows: measuring`);

    const headers = { authorization: `Bearer ${tenant.apiKey}` };
    const searchUrl = (query: string) => `${stack.gatewayUrl}/v1/transactions?${query}`;
    const matches: Record<string, number> = {};
    for (const [name, query] of Object.entries(SEARCHES)) {
      const page = (await get(searchUrl(query), headers)) as { items: unknown[] };
      matches[name] = page.items.length;
    }

    const indexed: Record<string, Latency> = {};
    for (const [name, query] of Object.entries(SEARCHES)) {
      indexed[name] = await measure(SAMPLES, 20, () => get(searchUrl(query), headers));
      log(`${name} with indexes: ${JSON.stringify(indexed[name])}`);
    }

    // Cold: no-cache skips the near-cache and the cache-gateway, so this is the rollup read itself.
    const cold = { ...headers, 'cache-control': 'no-cache' };
    const breakdownUrl = `${stack.gatewayUrl}/v1/dashboard/breakdown?month=${MONTH}`;
    const household = await measure(SAMPLES, 20, () => get(breakdownUrl, cold));
    const member = await measure(SAMPLES, 20, () => get(`${breakdownUrl}&member=m1`, cold));
    log(`breakdown cold: household ${JSON.stringify(household)}, member ${JSON.stringify(member)}`);

    for (const index of SEARCH_INDEXES) await pg.query(`DROP INDEX ingestion.${index}`);
    await pg.query('ANALYZE ingestion.transactions');
    const unindexed: Record<string, Latency> = {};
    for (const [name, query] of Object.entries(SEARCHES)) {
      unindexed[name] = await measure(UNINDEXED_SAMPLES, 2, () => get(searchUrl(query), headers));
      log(`${name} without indexes: ${JSON.stringify(unindexed[name])}`);
    }

    const worstP99 = Math.max(...Object.values(indexed).map((l) => l.p99Ms));
    const report = {
      benchmark: 'search',
      rows,
      rowsOfMeasuredTenant: rowsPerMonth * MONTHS,
      seedingSeconds: round(seedSeconds),
      searches: Object.fromEntries(
        Object.entries(SEARCHES).map(([name, query]) => [
          name,
          {
            query,
            firstPageRows: matches[name],
            withIndexes: indexed[name],
            withoutIndexes: unindexed[name],
            speedupP99: round((unindexed[name] as Latency).p99Ms / (indexed[name] as Latency).p99Ms, 1),
          },
        ]),
      ),
      breakdownCold: { month: MONTH, household, member, memberOverHouseholdP99: round(member.p99Ms / household.p99Ms, 2) },
      targets: {
        searchP99LeTargetMs: TARGET_P99_MS,
        worstSearchP99Ms: worstP99,
        searchP99Met: worstP99 <= TARGET_P99_MS,
        memberBreakdownWithin1_5xHousehold: member.p99Ms <= household.p99Ms * 1.5,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await pg.end();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:search failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
