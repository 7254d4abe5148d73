/**
 * `npm start`: the whole system on one machine. PostgreSQL (persistent, under
 * .data/), NATS with JetStream and Redis are started as local processes, then
 * the six services, each in its own process. Everything started here is
 * supervised: a death is reported and the process started again with backoff.
 * Ctrl-C (or SIGTERM) stops everything started here, by PID.
 * The demo tenant is loaded with a year of data on first start (`npm start -- --no-demo` skips it).
 */
import {
  childExit,
  ensureBinaries,
  pidExit,
  repoRoot,
  SERVICES,
  spawnService,
  startInfra,
  startNats,
  startPostgres,
  startRedis,
  startServices,
  Supervisor,
  type Infra,
  type ManagedProcess,
  type RunningPostgres,
  type ServiceName,
  type Supervised,
  type UnitState,
} from '@ledgerline/testing';
import { join } from 'node:path';
import { z } from 'zod';
import { banner } from './banner';
import { ensureDemoTenant } from '@ledgerline/testing';

const envSchema = z.object({
  LEDGERLINE_DATA_DIR: z.string().optional(),
  PG_PORT: z.coerce.number().int().min(1).max(65_535).default(55_432),
  NATS_PORT: z.coerce.number().int().min(1).max(65_535).default(42_220),
  REDIS_PORT: z.coerce.number().int().min(1).max(65_535).default(63_790),
  ADMIN_API_KEY: z.string().min(8).default('dev-admin-key'),
  GATEWAY_PORT: z.coerce.number().int().default(3000),
  INGESTION_PORT: z.coerce.number().int().default(3001),
  AGGREGATION_PORT: z.coerce.number().int().default(3002),
  PROVISIONS_PORT: z.coerce.number().int().default(3003),
  CACHE_GATEWAY_PORT: z.coerce.number().int().default(3004),
  MONITORING_PORT: z.coerce.number().int().default(3005),
});

const log = (line: string) => console.log(`[ledgerline] ${line}`);

const child = (proc: ManagedProcess): Supervised => ({ stop: () => proc.stop(), exited: childExit(proc.child) });
/** pg_ctl daemonizes PostgreSQL: it is watched by its postmaster's PID. */
const postgresUnit = (pg: RunningPostgres): Supervised => ({ stop: () => pg.stop(), exited: pidExit(pg.pid()) });

function statusLine(states: Record<string, UnitState>): string {
  const by = (state: UnitState) => Object.keys(states).filter((name) => states[name] === state);
  const down = [...by('down'), ...by('starting')];
  return `up: ${by('up').join(', ') || 'nothing'}${down.length > 0 ? ` | down: ${down.join(', ')}` : ''}`;
}

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`Invalid environment:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
    process.exit(2);
  }
  const env = parsed.data;
  const dataDir = env.LEDGERLINE_DATA_DIR ?? join(repoRoot(), '.data');
  let infra: Infra | undefined;
  let ready = false;
  let stopping = false;
  const supervisor = new Supervisor({ log, onChange: (states) => ready && log(statusLine(states)) });
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    try {
      await supervisor.stopAll();
      // Anything started before supervision took over (a failed start).
      await infra?.stop();
    } catch (error) {
      console.error(`[ledgerline] while stopping: ${(error as Error).message}`);
    }
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const ports = { postgres: env.PG_PORT, nats: env.NATS_PORT, redis: env.REDIS_PORT };
    infra = await startInfra({ dataDir, ports, log });
    const started = infra;
    const bins = ensureBinaries(log);
    const logDir = started.logDir;
    supervisor.adopt('postgres', postgresUnit(started.postgres), async () =>
      postgresUnit(
        await startPostgres({ pgBin: bins.pgBin, dataDir: join(dataDir, 'pg'), port: env.PG_PORT, database: 'ledgerline', log }),
      ),
    );
    supervisor.adopt('nats', child(started.nats), async () =>
      child(await startNats(bins.natsServer, env.NATS_PORT, join(dataDir, 'nats'), logDir)),
    );
    supervisor.adopt('redis', child(started.redis), async () =>
      child(await startRedis(bins.redisServer, env.REDIS_PORT, join(dataDir, 'redis'), logDir)),
    );
    // From here the supervisor stops them (in reverse order), not infra.stop().
    infra = undefined;

    const servicePorts = Object.fromEntries(SERVICES.map((s) => [s.name, env[s.portEnv]])) as Record<ServiceName, number>;
    log(`starting ${SERVICES.map((s) => s.name).join(', ')} (logs in ${logDir})`);
    const services = await startServices({ infra: started, ports: servicePorts, env: { ADMIN_API_KEY: env.ADMIN_API_KEY } });
    for (const [name, proc] of services.processes) {
      supervisor.adopt(name, child(proc), async () => child(await spawnService(services.specs[name])));
    }
    const gateway = services.urls['api-gateway'];
    const withData = !process.argv.includes('--no-demo');
    const today = new Date().toISOString().slice(0, 10);
    const demo = await ensureDemoTenant(gateway, env.ADMIN_API_KEY, join(dataDir, 'demo-tenant.json'), { withData, today, log });
    ready = true;
    log(`ready; ${statusLine(supervisor.states())}`);
    console.log(banner({ gateway, monitoring: services.urls.monitoring, adminKey: env.ADMIN_API_KEY, demo, month: today.slice(0, 7) }));
  } catch (error) {
    console.error(`[ledgerline] failed to start: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
