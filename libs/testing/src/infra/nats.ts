import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPortOpen, startProcess, waitFor, type ManagedProcess } from './process';

export interface RunningNats extends ManagedProcess {
  url: string;
  port: number;
}

/** nats-server with JetStream, storing streams under storeDir. */
export async function startNats(binary: string, port: number, storeDir: string, logDir: string): Promise<RunningNats> {
  mkdirSync(storeDir, { recursive: true });
  // A full 10,000-row batch travels as one request; the 1 MB default is too small.
  const configFile = join(storeDir, 'nats.conf');
  writeFileSync(configFile, 'max_payload: 16777216\n');
  const args = ['-c', configFile, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir];
  const proc = startProcess('nats', binary, args, join(logDir, 'nats.log'));
  await waitFor(`nats-server on ${port}`, () => isPortOpen(port), 15_000);
  return { ...proc, url: `nats://127.0.0.1:${port}`, port };
}
