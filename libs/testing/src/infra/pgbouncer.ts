import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortOpen, isRoot, signal, startProcess, waitFor, type ManagedProcess } from './process';

export interface PgBouncerOptions {
  binary: string;
  port: number;
  /** The PostgreSQL every database name is forwarded to (`* =` entry): the throw-away cluster of the tests. */
  postgres: { host: string; port: number };
  /** Server connections per (user, database) pair. */
  poolSize: number;
}

export interface RunningPgBouncer extends ManagedProcess {
  port: number;
  /** `url` with its host and port replaced by PgBouncer's. */
  urlFor(url: string): string;
}

const PG_USER = 'postgres';

/**
 * PgBouncer in transaction-pooling mode on loopback, as production may run it
 * in front of PostgreSQL: a client holds a server connection only for the
 * length of one transaction, so no session state survives between two.
 *
 * `ignore_startup_parameters`: node-pg sends the services' statement and
 * idle-in-transaction timeouts as startup parameters, which PgBouncer refuses
 * ("unsupported startup parameter") — a pooled server connection is shared by
 * clients that might each ask for different ones. It accepts and drops them;
 * the server-side bounds then come from the database's (or role's) own
 * settings (`ALTER DATABASE … SET statement_timeout`), and long work sets its
 * own with `SET LOCAL`, which ends with the transaction.
 */
export async function startPgBouncer(options: PgBouncerOptions, logDir: string): Promise<RunningPgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-pgbouncer-'));
  const pidFile = join(dir, 'pgbouncer.pid');
  writeFileSync(join(dir, 'userlist.txt'), `"${PG_USER}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${options.postgres.host} port=${options.postgres.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${options.port}`,
      'unix_socket_dir =',
      // The throw-away cluster trusts loopback; the user must still be listed.
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pidfile = ${pidFile}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize}`,
      'max_client_conn = 200',
      'ignore_startup_parameters = statement_timeout,idle_in_transaction_session_timeout',
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root: as PostgreSQL, it runs as the postgres user.
  if (isRoot()) {
    const uid = Number(spawnSync('id', ['-u', PG_USER], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', PG_USER], { encoding: 'utf8' }).stdout.trim());
    if (!Number.isInteger(uid)) throw new Error('PgBouncer refuses to run as root and there is no "postgres" user to run it as.');
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, file), uid, gid);
  }
  const [command, args] = isRoot()
    ? ['runuser', ['-u', PG_USER, '--', options.binary, join(dir, 'pgbouncer.ini')]]
    : [options.binary, [join(dir, 'pgbouncer.ini')]];
  const proc = startProcess('pgbouncer', command, args, join(logDir, 'pgbouncer.log'));
  const stop = async () => {
    // runuser does not always pass a signal on: PgBouncer itself is stopped by the PID it wrote.
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
    if (pid && Number.isInteger(pid)) signal(pid, 'SIGTERM'); // immediate shutdown: the clients are gone or do not matter
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`pgbouncer on ${options.port}`, () => isPortOpen(options.port), 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const urlFor = (url: string) => {
    const target = new URL(url);
    target.hostname = '127.0.0.1';
    target.port = String(options.port);
    return target.toString();
  };
  return { ...proc, stop, port: options.port, urlFor };
}
