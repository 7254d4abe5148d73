import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPortOpen, startProcess, waitFor, type ManagedProcess } from './process';

export interface RunningRedis extends ManagedProcess {
  url: string;
  port: number;
}

/** redis-server on loopback; a cache, so nothing is persisted. */
export async function startRedis(binary: string, port: number, dir: string, logDir: string): Promise<RunningRedis> {
  mkdirSync(dir, { recursive: true });
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
  ];
  const proc = startProcess('redis', binary, args, join(logDir, 'redis.log'));
  await waitFor(`redis-server on ${port}`, () => isPortOpen(port), 15_000);
  return { ...proc, url: `redis://127.0.0.1:${port}`, port };
}
