import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPortOpen, startProcess, waitFor, type ManagedProcess } from './process';

export interface RunningNats extends ManagedProcess {
  url: string;
  port: number;
}

/** nats-server with JetStream, storing streams under storeDir. */
export async function startNats(binary: string, port: number, storeDir: string, logDir: string): Promise<RunningNats> {
  mkdirSync(storeDir, { recursive: true });
  const proc = startProcess('nats', binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], join(logDir, 'nats.log'));
  await waitFor(`nats-server on ${port}`, () => isPortOpen(port), 15_000);
  return { ...proc, url: `nats://127.0.0.1:${port}`, port };
}
