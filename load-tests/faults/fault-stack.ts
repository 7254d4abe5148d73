import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  ensureBinaries,
  freePort,
  SERVICES,
  spawnService,
  startInfra,
  startNats,
  startPostgres,
  startRedis,
  startServices,
  stopChild,
  waitFor,
  type Infra,
  type ManagedProcess,
  type RunningServices,
  type ServiceName,
  type ServiceSpawnSpec,
} from '@ledgerline/testing';

export const FAULT_ADMIN_KEY = 'fault-admin-key';
const MIN_READY_MS = 2_000;

/**
 * The whole system on loopback, started with the durability settings a real
 * deployment has (PostgreSQL fsync and synchronous_commit on: the e2e stack
 * turns them off, and with synchronous_commit off a kill -9 of PostgreSQL may
 * lose acknowledged commits by design). Every process it starts or restarts is
 * tracked by PID and stopped by stop().
 */
export class FaultStack {
  private readonly bins = ensureBinaries(() => undefined);
  /** Gateway replicas currently in the client's pool (what a Kubernetes Service would route to). */
  readonly gateways: string[] = [];
  /** What the faults observed on the way (exit times of SIGTERMed replicas). */
  readonly notes: string[] = [];
  /** Rolling restarts: when (performance.now()) each old replica got SIGTERM and when it was gone. */
  readonly terminations: { name: ServiceName; sigtermAt: number; exitAt: number }[] = [];
  private readonly extra: ManagedProcess[] = [];
  private stoppedPids: number[] = [];

  private constructor(
    readonly dataDir: string,
    readonly infra: Infra,
    readonly services: RunningServices,
    private readonly ports: { postgres: number; nats: number; redis: number },
    private nats: ManagedProcess,
    private redis: ManagedProcess,
  ) {
    this.gateways.push(services.urls['api-gateway']);
  }

  static async start(log: (line: string) => void): Promise<FaultStack> {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-faults-'));
    chmodSync(dataDir, 0o755); // the postgres user must reach its data dir inside
    const ports = { postgres: await freePort(), nats: await freePort(), redis: await freePort() };
    const infra = await startInfra({ dataDir, ports, fast: false, log });
    const servicePorts = {} as Record<ServiceName, number>;
    for (const s of SERVICES) servicePorts[s.name] = await freePort();
    const env = {
      ADMIN_API_KEY: FAULT_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      // A replica that outstays its SIGTERM grace gets SIGUSR2 first: Node writes a diagnostic report (stack, handles) to the logs.
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --report-on-signal --report-signal=SIGUSR2 --report-directory=${join(dataDir, 'logs')}`.trim(),
      // The suite measures loss, not the limiter: lift the per-key limits out of the way.
      RATE_LIMIT_READS: '100000/1s,100000',
      RATE_LIMIT_WRITES: '100000/1s,100000',
      RATE_LIMIT_IMPORTS: '1000/1s,1000',
    };
    let services: RunningServices | undefined;
    try {
      // Two at a time: six Node processes booting at once on a busy 2-core host can outlast the 60 s readiness wait.
      for (let i = 0; i < SERVICES.length; i += 2) {
        const only = SERVICES.slice(i, i + 2).map((s) => s.name);
        const wave = await startServices({ infra, ports: servicePorts, env, only });
        if (!services) services = wave;
        else for (const [name, proc] of wave.processes) services.processes.set(name, proc);
      }
    } catch (error) {
      await services?.stopAll();
      await infra.stop();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    if (!services) throw new Error('no services');
    return new FaultStack(dataDir, infra, services, ports, infra.nats, infra.redis);
  }

  get databaseUrl(): string {
    return this.infra.env.DATABASE_URL as string;
  }

  pidOf(name: ServiceName): number {
    const pid = this.services.processes.get(name)?.child.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    return pid;
  }

  // ---- kill -9 and restart -------------------------------------------------

  async killService(name: ServiceName): Promise<void> {
    const proc = this.services.processes.get(name);
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      process.kill(proc.child.pid as number, 'SIGKILL');
      await exited;
    }
    this.services.processes.delete(name);
  }

  async restartService(name: ServiceName): Promise<void> {
    this.services.processes.set(name, await spawnService(this.services.specs[name]));
  }

  async killNats(): Promise<void> {
    await killChild(this.nats);
  }

  async restartNats(): Promise<void> {
    this.nats = await startNats(this.bins.natsServer, this.ports.nats, join(this.dataDir, 'nats'), this.infra.logDir);
  }

  async killRedis(): Promise<void> {
    await killChild(this.redis);
  }

  async restartRedis(): Promise<void> {
    this.redis = await startRedis(this.bins.redisServer, this.ports.redis, join(this.dataDir, 'redis'), this.infra.logDir);
  }

  /** A crash of the whole cluster: the postmaster and every backend get SIGKILL. */
  async killPostgres(): Promise<void> {
    const pids = this.postgresPids();
    for (const pid of pids) signal(pid, 'SIGKILL');
    await waitFor('PostgreSQL processes to exit', async () => pids.every((pid) => !alive(pid)), 15_000, 50);
  }

  async restartPostgres(): Promise<void> {
    await startPostgres({ pgBin: this.bins.pgBin, dataDir: join(this.dataDir, 'pg'), port: this.ports.postgres, database: 'ledgerline' });
  }

  // ---- SIGSTOP / SIGCONT: a hung dependency, not a dead one ------------------

  pausePostgres(): void {
    this.pause(this.postgresPids());
  }

  pauseRedis(): void {
    this.pause([this.redis.child.pid as number]);
  }

  /** Every process this stack paused gets SIGCONT (also called on the way out, whatever happened). */
  resumeAll(): void {
    for (const pid of this.stoppedPids) signal(pid, 'SIGCONT');
    this.stoppedPids = [];
  }

  private pause(pids: number[]): void {
    this.stoppedPids.push(...pids);
    for (const pid of pids) signal(pid, 'SIGSTOP');
  }

  /** The postmaster (first line of postmaster.pid) and its children, found through /proc. */
  private postgresPids(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((entry) => {
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [postmaster, ...children];
  }

  // ---- rolling restart (SIGTERM), as a Kubernetes Deployment does it -------

  /**
   * maxSurge 1, maxUnavailable 0: a new replica is started and ready first,
   * then the old one is taken out of the pool and sent SIGTERM. Returns how
   * long the old one took to exit and whether it had to be killed.
   */
  async rollingRestart(name: ServiceName): Promise<{ exitMs: number; killed: boolean; exitCode: number | null }> {
    const old = this.services.processes.get(name);
    if (!old) throw new Error(`${name} is not running`);
    const port = await freePort();
    const base = this.services.specs[name];
    const portEnv = SERVICES.find((s) => s.name === name)?.portEnv as string;
    const spec: ServiceSpawnSpec = {
      ...base,
      env: { ...base.env, PORT: String(port), [portEnv]: String(port) },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    };
    const fresh = await spawnService(spec);
    // minReadySeconds: booting the new replica saturates this small host for a moment; let that pass
    // before the SIGTERM, so what happens around the SIGTERM is the shutdown's doing.
    await new Promise((r) => setTimeout(r, MIN_READY_MS));
    const oldUrl = this.services.urls[name];
    if (name === 'api-gateway') {
      this.gateways.push(`http://127.0.0.1:${port}`);
      this.gateways.splice(this.gateways.indexOf(oldUrl), 1);
    }
    const started = performance.now();
    const exited = new Promise<number | null>((resolve) => old.child.once('exit', (code) => resolve(code)));
    let killed = false;
    process.kill(old.child.pid as number, 'SIGTERM');
    const report = setTimeout(() => signal(old.child.pid as number, 'SIGUSR2'), 10_000);
    const grace = setTimeout(() => {
      killed = true;
      signal(old.child.pid as number, 'SIGKILL');
    }, 30_000); // Kubernetes' default terminationGracePeriodSeconds
    const exitCode = await exited;
    clearTimeout(grace);
    clearTimeout(report);
    this.services.processes.set(name, fresh);
    this.services.specs[name] = spec;
    this.services.urls[name] = `http://127.0.0.1:${port}`;
    this.terminations.push({ name, sigtermAt: started, exitAt: performance.now() });
    return { exitMs: Math.round(performance.now() - started), killed, exitCode };
  }

  /** One more gateway replica (not in the workload's pool) with extra environment; stopped with the stack. Returns its URL. */
  async startGatewayReplica(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    const base = this.services.specs['api-gateway'];
    const url = `http://127.0.0.1:${port}`;
    const spec: ServiceSpawnSpec = {
      ...base,
      env: { ...base.env, ...env, PORT: String(port), GATEWAY_PORT: String(port) },
      readyUrl: `${url}/readyz`,
    };
    this.extra.push(await spawnService(spec));
    return url;
  }

  // ---- what the report states ----------------------------------------------

  async durability(): Promise<Record<string, unknown>> {
    const pg = new Client({ connectionString: this.databaseUrl });
    await pg.connect();
    const settings: Record<string, string> = {};
    for (const name of ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method']) {
      settings[name] = (await pg.query<Record<string, string>>(`SHOW ${name}`)).rows[0]?.[name] as string;
    }
    await pg.end();
    return {
      postgres: settings,
      nats: {
        server: 'nats-server 2.9.10 (apt), JetStream file store under the data dir, one server (no replication)',
        fsync:
          'no per-message fsync: 2.9.x has no sync_interval option and flushes stream blocks to disk on its own timer (2 min), so a kill -9 keeps what reached the OS page cache but a power loss can drop acknowledged publishes',
      },
      redis: 'cache only: --save "" --appendonly no (nothing persisted, by design)',
    };
  }

  async stop(): Promise<void> {
    this.resumeAll();
    for (const proc of this.extra) await proc.stop();
    await this.services.stopAll();
    await stopChild(this.nats.child);
    await stopChild(this.redis.child);
    await this.infra.stop(); // pg_ctl stop by data dir; NATS and Redis above are already gone
    if (!process.env.KEEP_TEST_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function killChild(proc: ManagedProcess): Promise<void> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid as number, 'SIGKILL');
  await exited;
}
