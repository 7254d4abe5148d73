import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from '../infra/binaries';
import { freePort, isPortOpen, waitFor } from '../infra/process';
import { startRedis, type RunningRedis } from '../infra/redis';
import { childExit, RestartBackoff, Supervisor, type Supervised } from './supervisor';

describe('Supervisor with a real process', () => {
  it('reports a killed child with its signal and brings it back on the same port; stopAll stops it for good', async () => {
    const bins = ensureBinaries(() => undefined);
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-supervisor-'));
    const port = await freePort();
    let current: RunningRedis = await startRedis(bins.redisServer, port, join(dir, 'redis'), dir);
    const unit = (redis: RunningRedis): Supervised => ({ stop: () => redis.stop(), exited: childExit(redis.child) });
    const lines: string[] = [];
    const supervisor = new Supervisor({
      log: (line) => lines.push(line),
      backoff: () => new RestartBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 60_000 }),
    });
    try {
      supervisor.adopt('redis', unit(current), async () => {
        current = await startRedis(bins.redisServer, port, join(dir, 'redis'), dir);
        return unit(current);
      });
      const killed = current.child.pid as number;
      process.kill(killed, 'SIGKILL');

      await waitFor('redis back up', async () => lines.includes('redis is back up'), 30_000, 50);
      expect(lines[0]).toBe('redis died (signal SIGKILL); restarting in 100 ms');
      expect(current.child.pid).not.toBe(killed);
      expect(await isPortOpen(port)).toBe(true);
      expect(supervisor.states()).toEqual({ redis: 'up' });
    } finally {
      await supervisor.stopAll();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(current.child.exitCode !== null || current.child.signalCode !== null).toBe(true);
    expect(lines.filter((l) => l.includes('restarting'))).toHaveLength(1);
  });
});
