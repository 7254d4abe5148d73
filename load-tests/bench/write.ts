import { readdirSync, readFileSync } from 'node:fs';
import { createBenchTenant, round, startBenchStack, type BenchStack } from './bench-stack';

/**
 * npm run bench:write — what one single-row write costs the whole stack:
 * CPU summed over every process (six services, PostgreSQL with its
 * backends, NATS, Redis) from /proc, per acknowledged write, for one writer
 * at a time and for 20 concurrent writers, with the writes/s achieved; and
 * what the stack burns idle.
 */
const SEQUENTIAL_WRITES = Number(process.env.BENCH_WRITE_SEQUENTIAL ?? 300);
const CONCURRENT_WRITERS = Number(process.env.BENCH_WRITE_WRITERS ?? 20);
const WRITES_PER_WRITER = Number(process.env.BENCH_WRITE_PER_WRITER ?? 30);
/** Linux clock ticks per second for /proc/<pid>/stat times (CLK_TCK, 100 on every common kernel). */
const TICKS_PER_S = 100;
/** The stack left idle this long after the warm-up: what it burns doing nothing is charged to a lone writer's writes. */
const IDLE_SECONDS = Number(process.env.BENCH_WRITE_IDLE_SECONDS ?? 20);
const MONTH = '2026-03';
const log = (line: string) => process.stderr.write(`${line}\n`);

const statOf = (pid: number): string[] | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};

/**
 * CPU ticks used so far by the stack: the services, the postmaster, NATS and
 * Redis, their children (PostgreSQL backends) and what exited children left
 * in their parents.
 */
function stackTicks(stack: BenchStack): Map<string, number> {
  const roots = new Map<number, string>([...stack.services.processes].map(([name, p]) => [p.child.pid as number, name]));
  roots.set(stack.infra.postgres.pid(), 'postgres');
  roots.set(stack.infra.nats.child.pid as number, 'nats-server');
  // Found by PID: redis-server rewrites its command line, so it never names the data directory.
  roots.set(stack.infra.redis.child.pid as number, 'redis-server');
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)) {
    const stat = statOf(pid);
    if (!stat) continue;
    // stat[1] is the parent pid; [11], [12] user and system time; [13], [14] those of waited-for children.
    const name = roots.get(pid) ?? roots.get(Number(stat[1]));
    if (name === undefined) continue;
    let used = Number(stat[11]) + Number(stat[12]);
    if (roots.has(pid)) used += Number(stat[13]) + Number(stat[14]);
    ticks.set(name, (ticks.get(name) ?? 0) + used);
  }
  return ticks;
}

const total = (ticks: Map<string, number>) => [...ticks.values()].reduce((a, b) => a + b, 0);

async function writeOne(stack: BenchStack, key: string, n: number): Promise<boolean> {
  const res = await fetch(`${stack.gatewayUrl}/v1/transactions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      transactions: [{ date: `${MONTH}-${String(1 + (n % 28)).padStart(2, '0')}`, amount: '1.25', category: `C${n % 7}` }],
    }),
  });
  if (res.status !== 201) throw new Error(`write: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { applied: boolean }).applied;
}

/** Runs `writers` writers of `each` writes; CPU per write and rate, from /proc ticks around the run. */
async function measure(stack: BenchStack, keys: string[], writers: number, each: number) {
  const before = stackTicks(stack);
  const started = performance.now();
  let applied = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) if (await writeOne(stack, keys[w % keys.length] as string, w * each + i)) applied += 1;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = stackTicks(stack);
  const msPerWrite = (ticks: number) => round(((ticks / TICKS_PER_S) * 1000) / (writers * each), 2);
  const cpuMs = ((total(after) - total(before)) / TICKS_PER_S) * 1000;
  const writes = writers * each;
  return {
    writers,
    writes,
    appliedWhenAcknowledged: applied,
    writesPerSecond: round(writes / seconds),
    cpuMsPerWrite: round(cpuMs / writes, 2),
    cpuMsPerWriteByProcess: Object.fromEntries([...after].map(([name, t]) => [name, msPerWrite(t - (before.get(name) ?? 0))])),
    coresBusy: round(cpuMs / 1000 / seconds, 2),
  };
}

/**
 * The host's yardstick, taken in the same run: what one bare HTTP round trip costs the server it reaches
 * (a bare Fastify hello-world, its process's CPU from /proc), sent the way the writes are, one at a time
 * and by 20 callers. On a virtual machine a loopback message mostly costs waking its receiver, and that
 * cost moves from host to host; a write's figure in these units is comparable across runs.
 */
async function measureBareHttp(stack: BenchStack, url: string, writers: number, each: number) {
  const before = stack.cpuMs('hello');
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < each; i++) await (await fetch(url)).arrayBuffer();
    }),
  );
  return round((stack.cpuMs('hello') - before) / (writers * each), 3);
}

/** CPU the stack uses while nobody calls it: polls, timers, heartbeats, scrapes. */
async function measureIdle(stack: BenchStack, seconds: number) {
  const before = stackTicks(stack);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = stackTicks(stack);
  const msPerSecond = (ticks: number) => round(((ticks / TICKS_PER_S) * 1000) / seconds, 1);
  return {
    seconds,
    coresBusy: round((total(after) - total(before)) / TICKS_PER_S / seconds, 3),
    cpuMsPerSecondByProcess: Object.fromEntries([...after].map(([name, t]) => [name, msPerSecond(t - (before.get(name) ?? 0))])),
  };
}

async function main(): Promise<void> {
  const stack = await startBenchStack(log);
  try {
    // Several tenants: concurrent writers of one household are the rare case, writers of many the common one.
    const keys = await Promise.all(Array.from({ length: 4 }, async () => (await createBenchTenant(stack.gatewayUrl)).apiKey));
    log('warming up');
    await measure(stack, keys, 4, 25);
    log(`idle for ${IDLE_SECONDS} s`);
    const idle = await measureIdle(stack, IDLE_SECONDS);
    log(`one writer, ${SEQUENTIAL_WRITES} writes one after another`);
    const sequential = await measure(stack, keys, 1, SEQUENTIAL_WRITES);
    log(`${CONCURRENT_WRITERS} writers × ${WRITES_PER_WRITER}`);
    const concurrent = await measure(stack, keys, CONCURRENT_WRITERS, WRITES_PER_WRITER);
    log('reference: bare HTTP round trips, the same two ways');
    // More round trips than writes: /proc counts CPU in 10 ms ticks, and a bare one costs a fraction of a millisecond.
    const hello = await stack.startHelloServer();
    const bareOne = await measureBareHttp(stack, hello, 1, 1_000);
    const bareConcurrent = await measureBareHttp(stack, hello, CONCURRENT_WRITERS, 100);
    const report = {
      note: 'CPU summed over every process of the stack (services, PostgreSQL and its backends, NATS, Redis) from /proc, per acknowledged single-row write',
      idle,
      oneWriter: { ...sequential, bareHttpCpuMsPerRequest: bareOne, inBareRequests: round(sequential.cpuMsPerWrite / bareOne, 1), targetCpuMsPerWrite: 6 },
      concurrentWriters: {
        ...concurrent,
        bareHttpCpuMsPerRequest: bareConcurrent,
        inBareRequests: round(concurrent.cpuMsPerWrite / bareConcurrent, 1),
        targetCpuMsPerWrite: 4,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:write failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
