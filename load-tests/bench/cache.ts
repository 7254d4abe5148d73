import { freePort, spawnService, type ManagedProcess } from '@ledgerline/testing';
import autocannon from 'autocannon';
import { join } from 'node:path';
import { createBenchTenant, percentile, startBenchStack, type BenchStack } from './bench-stack';

/**
 * npm run bench:cache — the caching figures: upstream recomputes when 500
 * readers hit one freshly invalidated key across two cache-gateway replicas;
 * freshness lag while writes and reads run together; peak RSS per service
 * under that mixed load. (Warm-read throughput and latency against a bare
 * server are bench:gateway's.)
 */
const DURATION_S = Number(process.env.BENCH_CACHE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CACHE_CONNECTIONS ?? 10);
const WRITES_PER_S = Number(process.env.BENCH_FRESHNESS_WRITES ?? 200);
const READS_PER_S = Number(process.env.BENCH_FRESHNESS_READS ?? 1_000);
/** A second freshness run at a tenth of the target load: what this machine carries with every service, PostgreSQL and the load tool on it. */
const LIGHT = { writesPerSecond: WRITES_PER_S / 10, readsPerSecond: READS_PER_S / 10 };
const MONTH = '2026-03';
const log = (line: string) => process.stderr.write(`${line}\n`);

function load(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function recomputes(urls: string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('cache_recomputes_total{route="dashboard.summary"}'));
    total += Number(line?.split(' ').pop() ?? 0);
  }
  return total;
}

/** Writes one row; true when the write was acknowledged as applied to the rollups (the freshness promise). */
async function postOne(stack: BenchStack, key: string, externalId: string): Promise<boolean> {
  const res = await fetch(`${stack.gatewayUrl}/v1/transactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ transactions: [{ externalId, date: `${MONTH}-10`, amount: '1.00', category: 'Bench' }] }),
  });
  if (res.status !== 201) throw new Error(`write: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { applied: boolean }).applied;
}

async function summaryCount(stack: BenchStack, key: string): Promise<number> {
  const res = await fetch(`${stack.gatewayUrl}/v1/dashboard/summary?month=${MONTH}`, { headers: { authorization: `Bearer ${key}` } });
  return ((await res.json()) as { expenses: { count: number } }).expenses.count;
}

/**
 * Writers at `writesPerSecond` while autocannon reads at `readsPerSecond`. After the
 * j-th acknowledged write, a fresh read must count at least base + j rows;
 * the lag is the time from that ack until a reader on its own connection
 * sees it.
 */
async function freshness(
  stack: BenchStack,
  key: string,
  { writesPerSecond, readsPerSecond }: { writesPerSecond: number; readsPerSecond: number },
) {
  const base = await summaryCount(stack, key);
  const readers = load({
    url: `${stack.gatewayUrl}/v1/dashboard/summary?month=${MONTH}`,
    headers: { authorization: `Bearer ${key}` },
    connections: CONNECTIONS,
    overallRate: readsPerSecond,
    duration: DURATION_S,
  });
  const lags: number[] = [];
  const checks: Promise<void>[] = [];
  let acked = 0;
  /** Acknowledged as committed but not yet applied (aggregation slow or down): visible later, not promised now. */
  let notApplied = 0;
  let sent = 0;
  /** Reads started after an ack that still missed it: the stale answers themselves, not just slow ones. */
  let staleReads = 0;
  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  const writers = Array.from({ length: 8 }, async (_, w) => {
    while (performance.now() < deadline) {
      const due = started + (sent * 1000) / writesPerSecond;
      sent += 1;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!(await postOne(stack, key, `fresh-${w}-${sent}-${Math.random()}`))) {
        notApplied += 1;
        continue;
      }
      acked += 1;
      const expected = base + acked;
      const ackedAt = performance.now();
      checks.push(
        (async () => {
          while ((await summaryCount(stack, key)) < expected) {
            staleReads += 1;
            if (performance.now() - ackedAt > 5_000) throw new Error('write not visible after 5 s');
          }
          lags.push(performance.now() - ackedAt);
        })(),
      );
    }
  });
  await Promise.all(writers);
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(checks);
  const reads = await readers;
  lags.sort((a, b) => a - b);
  return {
    requested: { writesPerSecond, readsPerSecond },
    writesPerSecond: Math.round((acked + notApplied) / elapsed),
    acknowledgedNotApplied: notApplied,
    readsPerSecond: Math.round(reads.requests.average),
    readNon2xx: reads.non2xx,
    lagP50Ms: percentile(lags, 50),
    lagP99Ms: percentile(lags, 99),
    lagMaxMs: percentile(lags, 100),
    staleReadsAfterAck: staleReads,
  };
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  const extra: ManagedProcess[] = [];
  try {
    // A second cache-gateway replica: misses must be computed once across both.
    const cacheSpec = stack.services.specs['cache-gateway'];
    const secondPort = await freePort();
    extra.push(
      await spawnService({
        ...cacheSpec,
        env: { ...cacheSpec.env, PORT: String(secondPort) },
        logFile: join(stack.dataDir, 'cache-gateway-2.log'),
        readyUrl: `http://127.0.0.1:${secondPort}/readyz`,
      }),
    );
    const cacheUrls = [stack.services.urls['cache-gateway'], `http://127.0.0.1:${secondPort}`];

    const tenant = await createBenchTenant(stack.gatewayUrl);
    const key = tenant.apiKey;
    for (let i = 0; i < 20; i++) await postOne(stack, key, `seed-${i}`);
    const summaryUrl = `${stack.gatewayUrl}/v1/dashboard/summary?month=${MONTH}`;
    await load({ url: summaryUrl, headers: { authorization: `Bearer ${key}` }, connections: 10, duration: 2 }); // warm up JITs and caches

    log('500 concurrent readers of a freshly invalidated key');
    await postOne(stack, key, 'invalidate-1');
    await new Promise((r) => setTimeout(r, 200)); // let the change's backstop events land before the burst
    const before = await recomputes(cacheUrls);
    const burst = await load({ url: summaryUrl, headers: { authorization: `Bearer ${key}` }, connections: 500, amount: 500 });
    const recomputed = (await recomputes(cacheUrls)) - before;

    log(`freshness under ${WRITES_PER_S} writes/s and ${READS_PER_S} reads/s`);
    const fresh = await freshness(stack, key, { writesPerSecond: WRITES_PER_S, readsPerSecond: READS_PER_S });
    log(`freshness under ${LIGHT.writesPerSecond} writes/s and ${LIGHT.readsPerSecond} reads/s`);
    const freshLight = await freshness(stack, key, LIGHT);

    const rss = Object.fromEntries([...stack.services.processes.keys()].map((name) => [name, stack.peakRssMiB(name)]));
    const report = {
      benchmark: 'cache',
      invalidatedBurst: { readers: 500, non2xx: burst.non2xx, cacheGatewayReplicas: 2, recomputes: recomputed },
      freshness: fresh,
      freshnessAtATenthOfTheLoad: freshLight,
      peakRssMiB: rss,
      targets: {
        exactlyOneRecompute: recomputed === 1,
        freshnessP99Le100Ms: fresh.lagP99Ms <= 100,
        rssLe150MiB: Object.values(rss).every((mib) => mib <= 150),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const proc of extra) await proc.stop();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:cache failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
