import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  SERVICES,
  startInfra,
  startProcess,
  startServices,
  waitFor,
  type Infra,
  type ManagedProcess,
  type RunningServices,
  type ServiceName,
} from '@ledgerline/testing';

export const BENCH_ADMIN_KEY = 'bench-admin-key';
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface BenchStack {
  infra: Infra;
  services: RunningServices;
  gatewayUrl: string;
  dataDir: string;
  /**
   * Starts the reference: a bare Fastify server in its own process (stopped with the stack) answering
   * with `body` (a hello-world without one); returns its URL.
   */
  startHelloServer(body?: Buffer): Promise<string>;
  /** CPU time a service (or the hello-world server) has used so far (user + system), in milliseconds. */
  cpuMs(name: ServiceName | 'hello'): number;
  /** Peak resident memory of a service so far (VmHWM), in MiB. */
  peakRssMiB(name: ServiceName): number;
  stop(): Promise<void>;
}

/**
 * The whole system (or `only` some services) on free loopback ports in a
 * temporary directory; everything is stopped by PID at the end.
 */
export async function startBenchStack(log: (line: string) => void, only?: ServiceName[]): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-'));
  chmodSync(dataDir, 0o755);
  const infra = await startInfra({
    dataDir,
    ports: { postgres: await freePort(), nats: await freePort(), redis: await freePort() },
    fast: true,
    log,
  });
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICES) ports[s.name] = await freePort();
  let services: RunningServices;
  try {
    services = await startServices({
      infra,
      ports,
      ...(only ? { only } : {}),
      sourceMaps: false,
      env: {
        ADMIN_API_KEY: BENCH_ADMIN_KEY,
        LOG_LEVEL: 'warn',
        // The benchmarks measure throughput; per-key limits would measure the limiter (bench:gateway does that).
        RATE_LIMIT_READS: '1000000/1s,1000000',
        RATE_LIMIT_WRITES: '1000000/1s,1000000',
        RATE_LIMIT_IMPORTS: '1000/1s,1000',
      },
      // BENCH_CPU_PROFILE=<dir>: each service writes a V8 CPU profile there when it stops, <service>.cpuprofile
      // (open it in Chrome DevTools); BENCH_CPU_PROFILE_SERVICES=a,b profiles only those.
      ...(process.env.BENCH_CPU_PROFILE ? { envOf: cpuProfileEnv(process.env.BENCH_CPU_PROFILE) } : {}),
    });
  } catch (error) {
    await infra.stop();
    throw error;
  }
  const extra: ManagedProcess[] = [];
  const stop = async () => {
    for (const proc of extra) await proc.stop();
    await services.stopAll();
    await infra.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    infra,
    services,
    gatewayUrl: services.urls['api-gateway'],
    dataDir,
    startHelloServer: async (body) => {
      const port = await freePort();
      const args = [join(__dirname, 'hello-server.js'), String(port)];
      if (body) {
        const bodyFile = join(dataDir, 'hello-body');
        writeFileSync(bodyFile, body);
        args.push(bodyFile);
      }
      const proc = startProcess('hello', process.execPath, args, join(dataDir, 'hello.log'));
      extra.push(proc);
      await waitFor(
        'hello-world server',
        async () => (await fetch(`http://127.0.0.1:${port}/hello`).catch(() => undefined))?.ok === true,
        10_000,
        50,
      );
      return `http://127.0.0.1:${port}/hello`;
    },
    cpuMs: (name) => {
      const pid = name === 'hello' ? extra.find((p) => p.name === 'hello')?.child.pid : services.processes.get(name)?.child.pid;
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime and stime in clock ticks.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS_PER_SECOND;
    },
    peakRssMiB: (name) => {
      const pid = services.processes.get(name)?.child.pid;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop,
  };
}

function cpuProfileEnv(dir: string): Partial<Record<ServiceName, Record<string, string>>> {
  const only = process.env.BENCH_CPU_PROFILE_SERVICES?.split(',');
  return Object.fromEntries(
    SERVICES.filter((s) => !only || only.includes(s.name)).map((s) => [
      s.name,
      { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-name=${s.name}.cpuprofile` },
    ]),
  );
}

export async function createBenchTenant(gatewayUrl: string): Promise<{ id: string; apiKey: string }> {
  const res = await fetch(`${gatewayUrl}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench household',
      members: ['m1', 'm2', 'm3'].map((id) => ({ id, name: id, monthlyRevenue: '3000.00', taxRate: '20' })),
    }),
  });
  if (res.status !== 201) throw new Error(`tenant: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; apiKey: string };
}

export function percentile(sortedMs: readonly number[], p: number): number {
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return Math.round((sortedMs[Math.max(0, index)] ?? 0) * 1000) / 1000;
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
