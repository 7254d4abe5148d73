import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chmodSync } from 'node:fs';
import { freePort } from '../infra/process';
import { startInfra, type Infra } from '../stack/stack';

interface Started {
  stop(): Promise<void>;
}

const registry = globalThis as typeof globalThis & { __ledgerlineStarted?: Started[] };

/** Remembers what a globalSetup started so globalTeardown (same process) can stop it by PID. */
export function remember(item: Started): void {
  (registry.__ledgerlineStarted ??= []).push(item);
}

export async function stopRemembered(): Promise<void> {
  const items = registry.__ledgerlineStarted ?? [];
  registry.__ledgerlineStarted = [];
  for (const item of items.reverse()) await item.stop().catch(() => undefined);
}

/** Fresh infrastructure on free ports in a temporary directory, removed on teardown. */
export async function startThrowAwayInfra(label: string): Promise<Infra> {
  const dataDir = mkdtempSync(join(tmpdir(), `ledgerline-${label}-`));
  chmodSync(dataDir, 0o755); // the postgres user must reach its data dir inside
  const infra = await startInfra({
    dataDir,
    ports: { postgres: await freePort(), nats: await freePort(), redis: await freePort() },
    fast: true,
  });
  remember({
    stop: async () => {
      await infra.stop();
      if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return infra;
}
