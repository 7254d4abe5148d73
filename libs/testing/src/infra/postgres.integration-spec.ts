import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ensureBinaries } from './binaries';
import { postmasterPid, startPostgres } from './postgres';
import { freePort } from './process';

const answers = async (url: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one;
  } finally {
    await client.end();
  }
};

describe('startPostgres after a runner that was killed', () => {
  it('stops a PostgreSQL an earlier run left in the data dir, and ignores a stale postmaster.pid', async () => {
    const { pgBin } = ensureBinaries(() => undefined);
    const root = mkdtempSync(join(tmpdir(), 'ledgerline-pg-left-'));
    chmodSync(root, 0o755);
    const dataDir = join(root, 'pg');
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const first = await startPostgres({ pgBin, dataDir, port: await freePort(), database: 'ledgerline', fast: true, log });
    let second: Awaited<ReturnType<typeof startPostgres>> | undefined;
    try {
      const leftover = first.pid();
      // The earlier runner died without stopping it: start again, on another port, as the next `npm start` would.
      second = await startPostgres({ pgBin, dataDir, port: await freePort(), database: 'ledgerline', fast: true, log });
      expect(lines).toEqual([`stopping the PostgreSQL (pid ${leftover}) an earlier run left in ${dataDir}`]);
      expect(second.pid()).not.toBe(leftover);
      expect(await answers(second.url)).toBe(1);

      // A lock file naming a PID that is no PostgreSQL of this data dir (this very test process): removed.
      await second.stop();
      writeFileSync(join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
      second = await startPostgres({ pgBin, dataDir, port: await freePort(), database: 'ledgerline', fast: true, log });
      expect(lines[1]).toBe(`removing a stale postmaster.pid (pid ${process.pid} is not a PostgreSQL of ${dataDir})`);
      expect(await answers(second.url)).toBe(1);
    } finally {
      await second?.stop();
      await first.stop();
      expect(postmasterPid(dataDir)).toBeUndefined();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
