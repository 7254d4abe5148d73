import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isRoot, which } from './process';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Binaries {
  natsServer: string;
  redisServer: string;
  pgBin: string;
}

/** Installs Debian packages when running as root; otherwise says what to install. */
function aptInstall(packages: string[], log: (line: string) => void): void {
  if (!isRoot()) {
    throw new Error(`Missing ${packages.join(', ')}: install them (e.g. sudo apt-get install -y ${packages.join(' ')}) and retry.`);
  }
  log(`installing ${packages.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', ...packages],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

/** Finds nats-server, redis-server and PostgreSQL 15; installs the first two with apt when root. */
export function ensureBinaries(log: (line: string) => void = console.log): Binaries {
  const missing = ['nats-server', 'redis-server'].filter((b) => !which(b));
  if (missing.length > 0) aptInstall(missing, log);
  if (!existsSync(`${PG_BIN}/pg_ctl`)) {
    throw new Error(`PostgreSQL 15 not found under ${PG_BIN} (set PG_BIN, or apt-get install -y postgresql-15).`);
  }
  return { natsServer: which('nats-server') as string, redisServer: which('redis-server') as string, pgBin: PG_BIN };
}

/** Debian's PgBouncer (PGBOUNCER_BIN overrides), for the transaction-pooling check; installed with apt when root. */
export function ensurePgBouncer(log: (line: string) => void = console.log): string {
  const configured = process.env.PGBOUNCER_BIN;
  if (configured) return configured;
  // Debian puts it in /usr/sbin, which a non-root PATH may leave out.
  const find = () => which('pgbouncer') ?? (existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : undefined);
  if (!find()) aptInstall(['pgbouncer'], log);
  return find() as string;
}

/** Debian packages whose binaries a benchmark needs (e.g. wrk, hey); installed with apt when root. */
export function ensureAptBinaries(binaries: string[], log: (line: string) => void = console.log): void {
  const missing = binaries.filter((b) => !which(b));
  if (missing.length > 0) aptInstall(missing, log);
}

/** Headless Chromium for the status-page check (Debian's package; CHROMIUM_BIN overrides). */
export function ensureChromium(log: (line: string) => void = console.log): string {
  const configured = process.env.CHROMIUM_BIN;
  if (configured) return configured;
  if (!which('chromium')) aptInstall(['chromium'], log);
  return which('chromium') as string;
}
