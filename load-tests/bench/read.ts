import { seedTenants, type SeededTenant } from '@ledgerline/testing';
import { Client } from 'pg';
import { BENCH_ADMIN_KEY, percentile, round, startBenchStack, type BenchStack } from './bench-stack';

/**
 * npm run bench:read — the dashboard summary served from rollups next to the
 * naive GROUP BY over raw rows, in the same run, on the same data, at two
 * dataset sizes (100k and 10M rows by default).
 *
 * Every tenant has the same shape (12 months × ROWS_PER_MONTH rows), so the
 * measured tenant-month is identical at both sizes: only the table around it
 * grows. That is exactly what rollups should be immune to and a plain scan is not.
 */
const SMALL_ROWS = Number(process.env.BENCH_READ_SMALL_ROWS ?? 100_000);
const LARGE_ROWS = Number(process.env.BENCH_READ_LARGE_ROWS ?? 10_000_000);
const ROWS_PER_MONTH = Number(process.env.BENCH_READ_ROWS_PER_MONTH ?? 8_334);
const SAMPLES = Number(process.env.BENCH_READ_SAMPLES ?? 2_000);
const MONTHS = 12;
const MONTH = '2025-06';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Latency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

async function measure(samples: number, warmup: number, run: () => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    samples,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    meanMs: round(times.reduce((a, b) => a + b, 0) / samples, 3),
  };
}

/**
 * What the summary needs from raw rows, the way a dashboard without rollups
 * computes it: totals per category and expense type, per member, and for the month.
 */
const NAIVE_SUMMARY = `
  SELECT category, expense_type, member, GROUPING(category, expense_type, member) AS grouping,
         count(*) FILTER (WHERE NOT exclude) AS count,
         coalesce(sum(amount_cents) FILTER (WHERE NOT exclude), 0)::text AS total_cents,
         count(*) FILTER (WHERE exclude) AS excluded
    FROM ingestion.transactions
   WHERE tenant_id = $1 AND month = $2
   GROUP BY GROUPING SETS ((category, expense_type), (member), ())`;

/** The three rollup reads the summary makes, on their own (no HTTP, no NATS, no provisions). */
const ROLLUP_SUMMARY = `
  SELECT (SELECT json_agg(c) FROM aggregation.category_rollups c WHERE tenant_id = $1 AND month = $2) AS categories,
         (SELECT row_to_json(m) FROM aggregation.month_rollups m WHERE tenant_id = $1 AND month = $2) AS month,
         (SELECT json_agg(p) FROM aggregation.member_rollups p WHERE tenant_id = $1 AND month = $2) AS paid`;

const NO_INDEXES = 'SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off';
const WITH_INDEXES = 'RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan';
const COVERING_INDEX = `CREATE INDEX bench_summary_covering_idx ON ingestion.transactions (tenant_id, month)
  INCLUDE (category, expense_type, member, amount_cents, exclude)`;

/** Adds tenants until the dataset holds about `targetRows`; returns what seeding took. */
async function grow(stack: BenchStack, tenants: SeededTenant[], targetRows: number): Promise<{ rows: number; seconds: number } | null> {
  const perTenant = MONTHS * ROWS_PER_MONTH;
  const wanted = Math.max(1, Math.round(targetRows / perTenant));
  if (wanted <= tenants.length) return null;
  const started = performance.now();
  const added = await seedTenants({
    gatewayUrl: stack.gatewayUrl,
    adminKey: BENCH_ADMIN_KEY,
    databaseUrl: stack.infra.env.DATABASE_URL,
    tenants: wanted - tenants.length,
    firstTenant: tenants.length,
    months: MONTHS,
    rows: ROWS_PER_MONTH,
    log: (line) => {
      if (/\/\d+: /.test(line) && Number(/tenant (\d+)/.exec(line)?.[1]) % 10 === 0) log(line);
    },
  });
  tenants.push(...added);
  return { rows: added.length * perTenant, seconds: (performance.now() - started) / 1000 };
}

async function stage(stack: BenchStack, pg: Client, tenants: SeededTenant[], targetRows: number) {
  const seeded = await grow(stack, tenants, targetRows);
  const analyzeStarted = performance.now();
  // Index-only scans need an up-to-date visibility map; the planner needs statistics.
  await pg.query('VACUUM ANALYZE ingestion.transactions');
  const vacuumSeconds = (performance.now() - analyzeStarted) / 1000;
  const rows = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM ingestion.transactions')).rows[0]?.n);
  const tenant = tenants[0];
  if (!tenant) throw new Error('no tenant seeded');
  log(`${rows} rows (${tenants.length} tenants): measuring`);

  const summaryUrl = `${stack.gatewayUrl}/v1/dashboard/summary?month=${MONTH}`;
  // no-cache: the figure is the rollup path itself, not a cache hit.
  const headers = { authorization: `Bearer ${tenant.apiKey}`, 'cache-control': 'no-cache' };
  const summaryBody = (await (await fetch(summaryUrl, { headers })).json()) as { expenses: { total: string; count: number } };
  const rollupHttp = await measure(SAMPLES, 200, async () => {
    const res = await fetch(summaryUrl, { headers });
    if (res.status !== 200) throw new Error(`summary: ${res.status}`);
    await res.arrayBuffer();
  });
  const args = [tenant.id, MONTH];
  const rollupSql = await measure(SAMPLES, 200, () => pg.query(ROLLUP_SUMMARY, args));

  // The naive figure must be the same number, or the comparison means nothing.
  const naive = await pg.query<{ grouping: number; total_cents: string }>(NAIVE_SUMMARY, args);
  const grand = naive.rows.find((r) => r.grouping === 7); // the () grouping set: the whole month
  const naiveTotal = grand ? (Number(grand.total_cents) / 100).toFixed(2) : 'missing';

  const scanSamples = rows > 1_000_000 ? 15 : 100;
  await pg.query(NO_INDEXES);
  const naiveNoIndex = await measure(scanSamples, 2, () => pg.query(NAIVE_SUMMARY, args));
  await pg.query(WITH_INDEXES);
  // The drill-down index (tenant, month, category, date, id) exists but does not cover the sums.
  const naiveDrillIndex = await measure(200, 10, () => pg.query(NAIVE_SUMMARY, args));
  const indexStarted = performance.now();
  await pg.query(COVERING_INDEX);
  await pg.query('VACUUM ANALYZE ingestion.transactions');
  const coveringIndexSeconds = (performance.now() - indexStarted) / 1000;
  const naiveCovering = await measure(200, 10, () => pg.query(NAIVE_SUMMARY, args));
  const plan = (
    await pg.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${NAIVE_SUMMARY.replace('$1', `'${tenant.id}'`).replace('$2', `'${MONTH}'`)}`)
  ).rows
    .map((r) => r['QUERY PLAN'])
    .find((line) => /Scan/.test(line))
    ?.trim();
  // Dropped again: the next stage grows the table, and writes should not pay for a bench-only index.
  await pg.query('DROP INDEX ingestion.bench_summary_covering_idx');

  return {
    rows,
    tenants: tenants.length,
    rowsInMeasuredMonth: summaryBody.expenses.count,
    // COPY of generated rows plus a rollup refresh per tenant-month through the API.
    seeding: seeded && { rows: seeded.rows, seconds: round(seeded.seconds), rowsPerSecond: Math.round(seeded.rows / seeded.seconds) },
    vacuumAnalyzeSeconds: round(vacuumSeconds),
    totalsAgree: summaryBody.expenses.total === naiveTotal,
    summaryFromRollups: { http: rollupHttp, sqlOnly: rollupSql },
    naiveGroupBy: {
      noIndex: naiveNoIndex,
      drillDownIndex: naiveDrillIndex,
      coveringIndex: { ...naiveCovering, buildSeconds: round(coveringIndexSeconds), plan },
    },
  };
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  const pg = new Client({ connectionString: stack.infra.env.DATABASE_URL });
  await pg.connect();
  try {
    const tenants: SeededTenant[] = [];
    const small = await stage(stack, pg, tenants, SMALL_ROWS);
    const large = await stage(stack, pg, tenants, LARGE_ROWS);
    const p99 = large.summaryFromRollups.http.p99Ms;
    const report = {
      benchmark: 'read',
      measuredMonth: MONTH,
      rowsPerTenantMonth: ROWS_PER_MONTH,
      small,
      large,
      figures: {
        rollupSummaryP99Ms: p99,
        speedupVsNaiveNoIndexP99: round(large.naiveGroupBy.noIndex.p99Ms / p99, 1),
        speedupVsNaiveCoveringIndexP99: round(large.naiveGroupBy.coveringIndex.p99Ms / p99, 2),
        p99LargeOverSmall: round(p99 / small.summaryFromRollups.http.p99Ms, 2),
      },
      targets: {
        rollupSummaryP99AtLargeLe15Ms: p99 <= 15,
        speedupVsNaiveNoIndexGe100: large.naiveGroupBy.noIndex.p99Ms / p99 >= 100,
        p99LargeOverSmallLe1_2: p99 / small.summaryFromRollups.http.p99Ms <= 1.2,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await pg.end();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:read failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
