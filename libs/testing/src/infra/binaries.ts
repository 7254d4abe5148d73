import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isRoot, which } from './process';

export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Binaries {
  natsServer: string;
  redisServer: string;
  pgBin: string;
}

/** Finds nats-server, redis-server and PostgreSQL 15; installs the first two with apt when root. */
export function ensureBinaries(log: (line: string) => void = console.log): Binaries {
  const missing = ['nats-server', 'redis-server'].filter((b) => !which(b));
  if (missing.length > 0) {
    if (!isRoot()) {
      throw new Error(`Missing ${missing.join(', ')}: install them (e.g. sudo apt-get install -y ${missing.join(' ')}) and retry.`);
    }
    log(`installing ${missing.join(', ')} with apt-get (about 30 s)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', ...missing],
    ]) {
      const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
    }
  }
  if (!existsSync(`${PG_BIN}/pg_ctl`)) {
    throw new Error(`PostgreSQL 15 not found under ${PG_BIN} (set PG_BIN, or apt-get install -y postgresql-15).`);
  }
  return { natsServer: which('nats-server') as string, redisServer: which('redis-server') as string, pgBin: PG_BIN };
}
