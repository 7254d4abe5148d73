import autocannon from 'autocannon';
import { cpus, loadavg } from 'node:os';
import { createBenchTenant, round, startBenchStack } from './bench-stack';

/**
 * npm run bench:gateway — requests/s of an authenticated, rate-limited no-op
 * route (GET /v1/tenant/keys/current: key lookup, one Redis GCRA step, problem
 * and header machinery, telemetry) next to a bare Fastify hello-world, both
 * driven by autocannon in the same run on 127.0.0.1. Rounds alternate between
 * the two so drift on a shared machine hits both alike; the best round of each counts.
 * The gateway's own /healthz (Nest and the edge hooks, no auth, no Redis) is
 * measured alongside, so the gap splits into framework and auth + rate limit.
 */
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TARGET = 0.7;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Figures {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, headers: Record<string, string> = {}, duration = DURATION_S): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration, headers });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const best = (runs: Figures[]): Figures => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

async function main(): Promise<void> {
  // Only what the measured route needs: fewer processes competing for the cores.
  const stack = await startBenchStack(log, ['monitoring', 'provisions', 'api-gateway']);
  try {
    const helloUrl = await stack.startHelloServer();
    const gatewayUrl = stack.gatewayUrl;
    const tenant = await createBenchTenant(gatewayUrl);
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    const probe = await fetch(`${gatewayUrl}/v1/tenant/keys/current`, { headers: auth });
    if (probe.status !== 200 || !probe.headers.get('ratelimit')) throw new Error(`no-op route: ${probe.status}`);

    // Unmeasured warm-up: JIT, connection pools and caches settle before anything counts.
    log(`warm-up: ${WARMUP_S} s each`);
    await load(helloUrl, {}, WARMUP_S);
    await load(`${gatewayUrl}/v1/tenant/keys/current`, auth, WARMUP_S);
    await load(`${gatewayUrl}/healthz`, {}, WARMUP_S);
    const loadBefore = loadavg()[0] as number;
    const bare: Figures[] = [];
    const gateway: Figures[] = [];
    const floor: Figures[] = [];
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      log(
        `round ${round_}/${ROUNDS}: bare Fastify, gateway no-op route, gateway /healthz (${DURATION_S} s each, ${CONNECTIONS} connections)`,
      );
      bare.push(await load(helloUrl));
      gateway.push(await load(`${gatewayUrl}/v1/tenant/keys/current`, auth));
      floor.push(await load(`${gatewayUrl}/healthz`));
    }
    const b = best(bare);
    const g = best(gateway);
    const f = best(floor);
    const ratio = round(g.requestsPerSecond / b.requestsPerSecond, 3);
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'gateway',
          durationSeconds: DURATION_S,
          rounds: ROUNDS,
          connections: CONNECTIONS,
          bareFastify: { route: 'GET /hello', ...b, rounds: bare.map((r) => r.requestsPerSecond) },
          gateway: {
            route: 'GET /v1/tenant/keys/current (authenticated, rate-limited)',
            ...g,
            rounds: gateway.map((r) => r.requestsPerSecond),
          },
          gatewayHealthz: {
            route: 'GET /healthz on the gateway (Nest + edge hooks + telemetry, no auth or rate limit)',
            ...f,
            rounds: floor.map((r) => r.requestsPerSecond),
            ratioToBare: round(f.requestsPerSecond / b.requestsPerSecond, 3),
          },
          ratio,
          target: TARGET,
          // The machine is shared: a load average far above the core count means both figures are squeezed.
          machine: { cpus: cpus().length, loadAverage1mBefore: round(loadBefore, 2), loadAverage1mAfter: round(loadavg()[0] as number, 2) },
          met: ratio >= TARGET,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
