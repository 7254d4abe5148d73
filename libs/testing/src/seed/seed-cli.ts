import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seedTenants } from './seed';

/**
 * npm run seed -- --tenants N --months M --rows R
 * Seeds a running stack (npm start) with N tenants × M months × R rows per
 * month, deterministically, and writes their API keys to .data/seed-tenants.json.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string', default: '1' },
      months: { type: 'string', default: '12' },
      rows: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      'start-month': { type: 'string', default: '2025-01' },
      out: { type: 'string', default: '.data/seed-tenants.json' },
    },
  });
  const started = Date.now();
  const tenants = await seedTenants({
    gatewayUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000',
    adminKey: process.env.ADMIN_API_KEY ?? 'dev-admin-key',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/ledgerline',
    tenants: Number(values.tenants),
    months: Number(values.months),
    rows: Number(values.rows),
    seed: Number(values.seed),
    startMonth: values['start-month'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  writeFileSync(values.out, JSON.stringify(tenants, null, 2));
  const rows = tenants.length * Number(values.months) * Number(values.rows);
  process.stdout.write(`${JSON.stringify({ tenants: tenants.length, rows, seconds: (Date.now() - started) / 1000, keys: values.out })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${(err as Error).message}\n`);
  process.exit(1);
});
