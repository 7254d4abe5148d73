import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from '../infra/binaries';
import { createDatabase } from '../infra/postgres';
import { freePort, stopRecordedPids } from '../infra/process';
import { SERVICES, type ServiceName } from '../stack/services';
import { startServices } from '../stack/stack';
import { remember, startThrowAwayInfra } from './global-stack';

export const E2E_ADMIN_KEY = 'e2e-admin-key';

/** E2E tier: the whole system from dist/, every service in its own process, reached through the gateway. */
export default async function e2eSetup(): Promise<void> {
  process.env.CHROMIUM_BIN = ensureChromium();
  const infra = await startThrowAwayInfra('e2e');
  const ports = {} as Record<ServiceName, number>;
  for (const s of SERVICES) ports[s.name] = await freePort();
  // Aggregation on a database of its own: no service reads another's tables (ARCHITECTURE.md), and this proves it.
  const aggregationDatabase = await createDatabase(infra.env.DATABASE_URL as string, 'ledgerline_aggregation');
  const services = await startServices({
    infra,
    ports,
    env: {
      ADMIN_API_KEY: E2E_ADMIN_KEY,
      LOG_LEVEL: 'info',
      NATS_REQUEST_TIMEOUT_MS: '1500',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      // Specs count spans in monitoring (drills, synthetic traffic): every request is traced, none left out by the
      // per-process trace budget, which a fast machine exceeds when a spec sends a burst.
      TRACES_PER_SECOND: '100000',
    },
    envOf: {
      aggregation: {
        DATABASE_URL: aggregationDatabase,
        // budgets.e2e-spec's webhook receiver listens on 127.0.0.1 over http, and retries must come within a test's time.
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
        WEBHOOK_BACKOFF_MS: '200',
        WEBHOOK_POLL_MS: '200',
      },
    },
  });
  remember({ stop: () => services.stopAll() });
  // Services an e2e test restarted after stopping them (see restartService).
  remember({ stop: async () => stopRecordedPids(join(infra.logDir, 'restarted.pids')) });
  process.env.E2E_GATEWAY_URL = services.urls['api-gateway'];
  process.env.E2E_MONITORING_URL = services.urls.monitoring;
  process.env.E2E_ADMIN_KEY = E2E_ADMIN_KEY;
  process.env.E2E_LOG_DIR = infra.logDir;
  process.env.E2E_POSTGRES_PID = String(infra.postgres.pid());
  process.env.E2E_SERVICE_PIDS = JSON.stringify(Object.fromEntries([...services.processes].map(([n, p]) => [n, p.child.pid])));
  const specFile = join(infra.logDir, 'services.json');
  writeFileSync(specFile, JSON.stringify(services.specs), { mode: 0o600 });
  process.env.E2E_SERVICE_SPECS = specFile;
}
