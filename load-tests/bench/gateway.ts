import { cpus, loadavg } from 'node:os';
import type { ServiceName } from '@ledgerline/testing';
import { createBenchTenant, round, startBenchStack, type BenchStack } from './bench-stack';
import { ensureLoadTools, hey, wrk, type ThroughputResult } from './http-load';

/**
 * npm run bench:gateway — the hot read path against its reference, in one run
 * on one Node version, tracing on as deployed:
 *
 * - warm `GET /v1/dashboard/summary` through the whole stack (auth, exact
 *   per-key limit in Redis, near-cache) vs a bare Fastify server answering
 *   the same bytes, both driven by wrk with the same connection count; rounds
 *   alternate so drift on a shared machine hits both alike, best round counts;
 * - the same read with a current `If-None-Match` (a 304);
 * - p50/p99 at a fixed 1,000 req/s (hey) for both;
 * - the gateway's CPU per warm hit from /proc;
 * - every service's peak RSS after all of it (and after seeding writes).
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const FIXED_RATE = Number(process.env.BENCH_FIXED_RATE ?? 1_000);
const SEED_ROWS = Number(process.env.BENCH_GATEWAY_SEED_ROWS ?? 2_000);
const MONTH = '2026-03';
const TARGETS = { warmRatio: 0.6, fixedRateP99Ms: 5, cpuUsPerHit: 40, peakRssMiB: 150 };
const log = (line: string) => process.stderr.write(`${line}\n`);

const CATEGORIES = ['Groceries', 'Rent', 'Transport', 'Leisure', 'Health', 'Utilities', 'Restaurants', 'Gifts'];

/** A month of a household's spending (so the summary has its real size), then one read to warm the caches. */
async function seed(gatewayUrl: string, apiKey: string): Promise<void> {
  const transactions = Array.from({ length: SEED_ROWS }, (_, i) => ({
    externalId: `bench-${i}`,
    date: `${MONTH}-${String((i % 28) + 1).padStart(2, '0')}`,
    amount: `${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}`,
    category: CATEGORIES[i % CATEGORIES.length],
    subcategory: `sub-${i % 5}`,
    expenseType: i % 4 === 0 ? 'FIXED' : 'VARIABLE',
    member: ['m1', 'm2', 'm3'][i % 3],
  }));
  const res = await fetch(`${gatewayUrl}/v1/transactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ transactions }),
  });
  if (res.status !== 201) throw new Error(`seed: ${res.status} ${await res.text()}`);
}

/** wrk against a server, with that server's CPU over the run. */
function measure(
  stack: BenchStack,
  server: 'api-gateway' | 'hello',
  url: string,
  headers: Record<string, string> = {},
): ThroughputResult & { cpuUsPerRequest: number } {
  const before = stack.cpuMs(server);
  const result = wrk(url, { connections: CONNECTIONS, durationS: DURATION_S, headers });
  const cpuMs = stack.cpuMs(server) - before;
  return { ...result, cpuUsPerRequest: round((cpuMs * 1_000) / Math.max(1, result.requests), 1) };
}

const best = <T extends { requestsPerSecond: number }>(runs: T[]): T =>
  runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

async function main(): Promise<void> {
  ensureLoadTools(log);
  const stack = await startBenchStack(log);
  try {
    const tenant = await createBenchTenant(stack.gatewayUrl);
    await seed(stack.gatewayUrl, tenant.apiKey);
    const url = `${stack.gatewayUrl}/v1/dashboard/summary?month=${MONTH}`;
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    const first = await fetch(url, { headers: auth });
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag');
    if (first.status !== 200 || !first.headers.get('ratelimit') || !etag) {
      throw new Error(`summary: ${first.status}, ratelimit ${first.headers.get('ratelimit')}, etag ${etag}`);
    }
    const notModified = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    if (notModified.status !== 304) throw new Error(`If-None-Match: ${notModified.status}`);
    const bareUrl = await stack.startHelloServer(body);

    log(`warm-up: 3 s each`);
    wrk(bareUrl, { connections: CONNECTIONS, durationS: 3 });
    wrk(url, { connections: CONNECTIONS, durationS: 3, headers: auth });
    const loadBefore = loadavg()[0] as number;
    const bare: ReturnType<typeof measure>[] = [];
    const warm: ReturnType<typeof measure>[] = [];
    const conditional: ReturnType<typeof measure>[] = [];
    for (let i = 1; i <= ROUNDS; i++) {
      log(
        `round ${i}/${ROUNDS}: bare Fastify, warm summary, summary with If-None-Match (wrk, ${CONNECTIONS} connections, ${DURATION_S} s each)`,
      );
      bare.push(measure(stack, 'hello', bareUrl));
      warm.push(measure(stack, 'api-gateway', url, auth));
      conditional.push(measure(stack, 'api-gateway', url, { ...auth, 'if-none-match': etag }));
    }
    log(`fixed rate: ${FIXED_RATE} req/s (hey, 10 workers, ${DURATION_S} s each)`);
    const bareFixed = hey(bareUrl, { rate: FIXED_RATE, workers: 10, durationS: DURATION_S });
    const warmFixed = hey(url, { rate: FIXED_RATE, workers: 10, durationS: DURATION_S, headers: auth });

    const b = best(bare);
    const w = best(warm);
    const c = best(conditional);
    const ratio = round(w.requestsPerSecond / b.requestsPerSecond, 3);
    const peakRssMiB = Object.fromEntries(
      [...stack.services.processes.keys()].map((name) => [name, stack.peakRssMiB(name as ServiceName)]),
    ) as Record<string, number>;
    const cpuUsPerHit = Math.min(...warm.map((r) => r.cpuUsPerRequest));
    const report = {
      benchmark: 'gateway',
      node: process.version,
      tracing: 'on (as deployed: rate-limited sampler)',
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      rounds: ROUNDS,
      bodyBytes: body.byteLength,
      bareFastify: { route: 'GET /hello (same body)', ...b, rounds: bare.map((r) => r.requestsPerSecond) },
      warmSummary: { route: 'GET /v1/dashboard/summary (near-cache hit)', ...w, rounds: warm.map((r) => r.requestsPerSecond) },
      notModified: {
        route: 'GET /v1/dashboard/summary with a current If-None-Match (304)',
        ...c,
        rounds: conditional.map((r) => r.requestsPerSecond),
      },
      warmRatio: ratio,
      fixedRate: { bareFastify: bareFixed, warmSummary: warmFixed },
      gatewayCpuUsPerWarmHit: cpuUsPerHit,
      bareFastifyCpuUsPerRequest: Math.min(...bare.map((r) => r.cpuUsPerRequest)),
      peakRssMiB,
      machine: { cpus: cpus().length, loadAverage1mBefore: round(loadBefore, 2), loadAverage1mAfter: round(loadavg()[0] as number, 2) },
      targets: TARGETS,
      met: {
        warmRatio: ratio >= TARGETS.warmRatio,
        fixedRateP99: warmFixed.latencyP99Ms <= TARGETS.fixedRateP99Ms,
        cpuPerHit: cpuUsPerHit <= TARGETS.cpuUsPerHit,
        peakRss: Object.values(peakRssMiB).every((mib) => mib <= TARGETS.peakRssMiB),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
