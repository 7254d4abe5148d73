import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBinaries } from '../infra/binaries';
import { startNats, type RunningNats } from '../infra/nats';
import { startPostgres, type RunningPostgres } from '../infra/postgres';
import { startProcess, type ManagedProcess } from '../infra/process';
import { startRedis, type RunningRedis } from '../infra/redis';
import { repoRoot } from './repo-root';
import { SERVICES, type ServiceName } from './services';

export interface InfraOptions {
  dataDir: string;
  ports: { postgres: number; nats: number; redis: number };
  /** Throw-away cluster tuned for speed over durability. */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface Infra {
  postgres: RunningPostgres;
  nats: RunningNats;
  redis: RunningRedis;
  env: Record<string, string>;
  logDir: string;
  stop(): Promise<void>;
}

/** PostgreSQL, NATS (JetStream) and Redis as real processes on loopback. */
export async function startInfra(options: InfraOptions): Promise<Infra> {
  const log = options.log ?? (() => undefined);
  const bins = ensureBinaries(log);
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  log(`starting PostgreSQL on 127.0.0.1:${options.ports.postgres}`);
  const postgres = await startPostgres({
    pgBin: bins.pgBin,
    dataDir: join(options.dataDir, 'pg'),
    port: options.ports.postgres,
    database: 'ledgerline',
    fast: options.fast,
    log,
  });
  const started: { stop(): Promise<void> }[] = [postgres];
  try {
    log(`starting NATS (JetStream) on 127.0.0.1:${options.ports.nats}`);
    const nats = await startNats(bins.natsServer, options.ports.nats, join(options.dataDir, 'nats'), logDir);
    started.push(nats);
    log(`starting Redis on 127.0.0.1:${options.ports.redis}`);
    const redis = await startRedis(bins.redisServer, options.ports.redis, join(options.dataDir, 'redis'), logDir);
    started.push(redis);
    return {
      postgres,
      nats,
      redis,
      logDir,
      env: { DATABASE_URL: postgres.url, NATS_URL: nats.url, REDIS_URL: redis.url },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(items: { stop(): Promise<void> }[]): Promise<void> {
  for (const item of [...items].reverse()) await item.stop();
}

export interface ServicesOptions {
  infra: Infra;
  ports: Record<ServiceName, number>;
  env?: Record<string, string>;
  /** Environment for one service only, over `env` (e.g. its own DATABASE_URL). */
  envOf?: Partial<Record<ServiceName, Record<string, string>>>;
  only?: readonly ServiceName[];
  /**
   * Stack traces mapped to the TypeScript sources (default true, for tests). Benchmarks turn it off:
   * deployments run without it, and the maps it caches cost memory and CPU.
   */
  sourceMaps?: boolean;
}

/** How to (re)start one service: what an e2e test needs to bring back a service it stopped. */
export interface ServiceSpawnSpec {
  name: ServiceName;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  readyUrl: string;
}

export interface RunningServices {
  processes: Map<ServiceName, ManagedProcess>;
  specs: Record<ServiceName, ServiceSpawnSpec>;
  urls: Record<ServiceName, string>;
  start(name: ServiceName): Promise<void>;
  stop(name: ServiceName): Promise<void>;
  stopAll(): Promise<void>;
}

/**
 * V8 flags every service runs with (the Dockerfile's CMD passes the same):
 * a 4 MiB young-generation semi-space instead of V8's default of up to 16 MiB
 * keeps each service's RSS near 135 MiB instead of 170 MiB at the same CPU
 * per request (bench:gateway) — a request's garbage dies young either way.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** Every service in its own process from dist/, each waited on until its /readyz answers 200. */
export async function startServices(options: ServicesOptions): Promise<RunningServices> {
  const root = repoRoot();
  const names = options.only ?? SERVICES.map((s) => s.name);
  const urls = Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${options.ports[s.name]}`])) as Record<
    ServiceName,
    string
  >;
  const portEnv = Object.fromEntries(SERVICES.map((s) => [s.portEnv, String(options.ports[s.name])]));
  const processes = new Map<ServiceName, ManagedProcess>();

  const specs = {} as Record<ServiceName, ServiceSpawnSpec>;
  for (const { name } of SERVICES) {
    const main = join(root, 'dist', 'apps', name, 'src', 'main.js');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...options.infra.env,
      ...portEnv,
      // Our monitoring service unless the environment names another receiver (a collector, Jaeger, Tempo).
      OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? urls.monitoring,
      OTEL_BSP_SCHEDULE_DELAY: '500',
      ...options.env,
      ...options.envOf?.[name],
      PORT: String(options.ports[name]),
    };
    specs[name] = {
      name,
      command: process.execPath,
      args: [...SERVICE_NODE_FLAGS, ...(options.sourceMaps === false ? [] : ['--enable-source-maps']), main],
      env,
      cwd: root,
      logFile: join(options.infra.logDir, `${name}.log`),
      readyUrl: `${urls[name]}/readyz`,
    };
  }

  const start = async (name: ServiceName) => {
    const spec = specs[name];
    const main = spec.args.at(-1) as string;
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
    processes.set(name, await spawnService(spec));
  };
  const stop = async (name: ServiceName) => {
    await processes.get(name)?.stop();
    processes.delete(name);
  };
  const stopAllServices = async () => {
    for (const name of [...processes.keys()].reverse()) await stop(name);
  };

  // Every start settles (each is bounded) before a failure stops them all: one that got ready after
  // another failed would otherwise be left running with nobody to stop it.
  const results = await Promise.allSettled(names.map((name) => start(name)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAllServices();
    throw failed.reason;
  }
  return { processes, specs, urls, start, stop, stopAll: stopAllServices };
}

const READY_TIMEOUT_MS = 120_000;

/** Starts one service from its spec and waits until its /readyz answers 200. */
export async function spawnService(spec: ServiceSpawnSpec): Promise<ManagedProcess> {
  const proc = startProcess(spec.name, spec.command, spec.args, spec.logFile, { env: spec.env, cwd: spec.cwd });
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      // A service that exited (a bad flag, a crash at boot) will never answer: say so now, not after the timeout.
      const { exitCode, signalCode } = proc.child;
      if (exitCode !== null || signalCode !== null) throw new Error(`${spec.name} exited (${exitCode ?? signalCode}) before it was ready`);
      if (
        await fetch(spec.readyUrl).then(
          (res) => res.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > deadline) throw new Error(`Timed out after ${READY_TIMEOUT_MS} ms waiting for ${spec.name} /readyz`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await proc.stop();
    throw new Error(`${(error as Error).message} (see ${spec.logFile})`);
  }
  return proc;
}
