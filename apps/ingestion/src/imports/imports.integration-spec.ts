import { getImport, type ImportStatus } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { eventually, provisionsPeer } from '@ledgerline/testing';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { loadIngestionConfig } from '../config';

const logger = pino({ level: 'silent' });
// No aggregation runs here: finishing an import waits this long for the watermark, then says `applied: false`.
const config = loadIngestionConfig({
  DATABASE_URL: process.env.IT_DATABASE_URL,
  NATS_URL: process.env.IT_NATS_URL,
  PORT: '0',
  APPLY_TIMEOUT_MS: '100',
});

describe('import bookkeeping with real PostgreSQL and NATS', () => {
  let app: INestApplication;
  let peer: NatsBus;
  let db: DataSource;
  const tenantId = randomUUID();
  const status = (id: string) => peer.request(getImport, { tenantId, id });

  /** An import row as a replica left it: running, `heartbeatAgo` since it last beat, with what it recorded. */
  async function leftRunning(heartbeatAgo: string, recorded: { version: string; rows: number; accepted: number }): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO ingestion.imports (id, tenant_id, status, bytes, rows_processed, accepted, duplicates, version, heartbeat_at)
       VALUES ($1, $2, 'running', 100, $3, $4, $5, $6, now() - $7::interval)`,
      [id, tenantId, recorded.rows, recorded.accepted, recorded.rows - recorded.accepted, recorded.version, heartbeatAgo],
    );
    return id;
  }

  beforeAll(async () => {
    peer = await provisionsPeer(config.NATS_URL, { members: [] });
    app = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
    await app.init();
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
    await peer.close();
  });

  it('shows no outcome while an import runs, even once its rows are committed with their counts', async () => {
    const id = await leftRunning('1 second', { version: '7', rows: 4, accepted: 3 });
    await expect(status(id)).resolves.toMatchObject({
      status: 'running',
      rowsProcessed: 4,
      accepted: 0,
      duplicates: 0,
      version: null,
      applied: null,
    });
  });

  it('finishes an import whose rows were committed by a replica that died before saying so: succeeded with its counts, not failed for its spent upload', async () => {
    // The upload went with the run that committed; running it again would find nothing to read.
    const id = await leftRunning('2 minutes', { version: '9', rows: 2_000, accepted: 1_990 });
    const done = await eventually(
      'the stale import to be finished',
      async () => {
        const s: ImportStatus = await status(id);
        return s.status === 'running' || s.status === 'queued' ? undefined : s;
      },
      { timeoutMs: 15_000, everyMs: 200 },
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 2_000,
      accepted: 1_990,
      duplicates: 10,
      version: '9',
      applied: false,
      errorCount: 0,
    });
    expect(done.finishedAt).not.toBeNull();
  });
});
