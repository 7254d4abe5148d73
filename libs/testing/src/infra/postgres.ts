import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { isRoot, run } from './process';

export interface PostgresOptions {
  pgBin: string;
  dataDir: string;
  port: number;
  database: string;
  /** Trade durability for speed (tests and benchmarks on throw-away clusters). */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  dataDir: string;
  /** The postmaster's PID, from its postmaster.pid. */
  pid(): number;
  stop(): Promise<void>;
}

/** The PID in a data dir's postmaster.pid, if there is one. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

const PG_USER = 'postgres';

function ownForPostgres(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (isRoot()) {
    const ids = spawnSync('id', ['-u', PG_USER], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', PG_USER], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('PostgreSQL refuses to run as root and there is no "postgres" user to run it as.');
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
}

/** True when `pid` is a postmaster serving `dataDir` (not some other process that reused the PID). */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('postgres')) && argv.includes(dataDir);
  } catch {
    return false; // no such process
  }
}

/**
 * A runner killed before it could stop PostgreSQL leaves it running (pg_ctl
 * daemonizes it), or leaves a postmaster.pid whose PID another process may have
 * taken since: either way the next start would fail with "another server might
 * be running". A postmaster still serving this data dir is stopped (it may hold
 * another port or settings); a lock file naming anything else is removed.
 */
function clearLeftover(pgBin: string, dataDir: string, asUser: string | undefined, log: (line: string) => void): void {
  const pid = postmasterPid(dataDir);
  if (!pid) return;
  if (isPostmasterOf(pid, dataDir)) {
    log(`stopping the PostgreSQL (pid ${pid}) an earlier run left in ${dataDir}`);
    run(`${pgBin}/pg_ctl`, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], { asUser });
  } else {
    log(`removing a stale postmaster.pid (pid ${pid} is not a PostgreSQL of ${dataDir})`);
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
  }
}

/** Starts a PostgreSQL cluster in dataDir (initialised on first use) as the unprivileged postgres user when root. */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const { pgBin, dataDir, port } = options;
  const asUser = isRoot() ? PG_USER : undefined;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    ownForPostgres(dataDir);
    run(`${pgBin}/initdb`, ['-D', dataDir, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', '--locale=C', '--no-sync'], { asUser });
    const tuning = [
      "listen_addresses = '127.0.0.1'",
      'max_connections = 200',
      'shared_buffers = 256MB',
      'work_mem = 16MB',
      ...(options.fast ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : []),
    ];
    writeFileSync(join(dataDir, 'postgresql.conf'), `${readFileSync(join(dataDir, 'postgresql.conf'), 'utf8')}\n${tuning.join('\n')}\n`);
  }
  clearLeftover(pgBin, dataDir, asUser, options.log ?? (() => undefined));
  const logFile = join(dataDir, 'server.log');
  run(`${pgBin}/pg_ctl`, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port} -k ${dataDir}`, 'start'], { asUser });
  const stop = async () => {
    try {
      run(`${pgBin}/pg_ctl`, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { asUser });
    } catch {
      // already stopped
    }
  };
  try {
    const admin = new Client({ host: '127.0.0.1', port, user: PG_USER, database: 'postgres' });
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
    await admin.end();
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = () => {
    const found = postmasterPid(dataDir);
    if (!found) throw new Error(`PostgreSQL in ${dataDir} is not running`);
    return found;
  };
  return { url: `postgres://${PG_USER}@127.0.0.1:${port}/${options.database}`, dataDir, pid, stop };
}

/**
 * Creates (if missing) another database on the server `url` points at and
 * returns its URL: services that own separate databases, as in production.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
