/**
 * `npm start`: the whole system on one machine. PostgreSQL (persistent, under
 * .data/), NATS with JetStream and Redis are started as local processes, then
 * the six services, each in its own process. Ctrl-C stops everything started
 * here, by PID.
 */
import { repoRoot, SERVICES, startInfra, startServices, type Infra, type RunningServices, type ServiceName } from '@ledgerline/testing';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDemoTenant } from './demo-data';

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

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`Invalid environment:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
    process.exit(2);
  }
  const env = parsed.data;
  const dataDir = env.LEDGERLINE_DATA_DIR ?? join(repoRoot(), '.data');
  let infra: Infra | undefined;
  let services: RunningServices | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await services?.stopAll();
    await infra?.stop();
    log('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    infra = await startInfra({ dataDir, ports: { postgres: env.PG_PORT, nats: env.NATS_PORT, redis: env.REDIS_PORT }, log });
    const ports = Object.fromEntries(SERVICES.map((s) => [s.name, env[s.portEnv]])) as Record<ServiceName, number>;
    log(`starting ${SERVICES.map((s) => s.name).join(', ')} (logs in ${infra.logDir})`);
    services = await startServices({ infra, ports, env: { ADMIN_API_KEY: env.ADMIN_API_KEY } });
    const gateway = services.urls['api-gateway'];
    const demo = await ensureDemoTenant(gateway, env.ADMIN_API_KEY, join(dataDir, 'demo-tenant.json'));
    log('ready');
    console.log(`\n  Gateway:      ${gateway}`);
    console.log(`  Admin key:    ${env.ADMIN_API_KEY}`);
    console.log(`  Demo tenant:  ${demo.id}  (API key ${demo.apiKey})`);
    console.log(`  Try:          curl -H "Authorization: Bearer ${demo.apiKey}" ${gateway}/v1/tenant\n`);
    for (const [name, proc] of services.processes) {
      proc.child.on('exit', (code) => {
        if (!stopping) log(`${name} exited with code ${code}; see ${join(infra?.logDir ?? '', `${name}.log`)}`);
      });
    }
  } catch (error) {
    console.error(`[ledgerline] failed to start: ${(error as Error).message}`);
    await stop(1);
  }
}

void main();
