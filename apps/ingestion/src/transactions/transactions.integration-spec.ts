import {
  ingestTransactions,
  TRANSACTIONS_STREAM,
  changeSubjectOf,
  transactionInputSchema,
  transactionsChanged,
  updateTransaction,
  type EventOf,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { provisionsPeer } from '@ledgerline/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { loadIngestionConfig } from '../config';
import { OutboxRelay } from '../outbox/outbox.relay';

const logger = pino({ level: 'silent' });
// No aggregation runs here: writes are answered on commit, and nothing here waits for the watermark.
const config = loadIngestionConfig({ DATABASE_URL: process.env.IT_DATABASE_URL, NATS_URL: process.env.IT_NATS_URL, PORT: '0' });
/** A row as the gateway sends it: validated, defaults filled in. */
const row = (extra: Record<string, unknown> = {}) =>
  transactionInputSchema.parse({ date: '2026-10-05', amount: '12.50', category: 'Groceries', ...extra });

type ChangeEvent = EventOf<typeof transactionsChanged>;

describe('ingestion with real PostgreSQL and JetStream', () => {
  let app: INestApplication;
  let peer: NatsBus;
  const tenantId = randomUUID();

  /** Every event of this tenant currently on the stream, in order. */
  async function streamEvents(): Promise<ChangeEvent[]> {
    const jsm = await jetstreamManager(peer.connection);
    const info = await jsm.streams.info(TRANSACTIONS_STREAM.name);
    const js = jetstream(peer.connection);
    const consumer = await js.consumers.get(TRANSACTIONS_STREAM.name);
    const events: ChangeEvent[] = [];
    const batch = await consumer.fetch({ max_messages: info.state.messages, expires: 1_000 });
    for await (const msg of batch) {
      const event = msg.json<ChangeEvent>();
      if (event.tenantId === tenantId) {
        // On its tenant's partition, where one aggregation replica at a time consumes it.
        expect(msg.subject).toBe(changeSubjectOf(tenantId));
        events.push(event);
      }
      if (msg.info.pending === 0) break;
    }
    return events;
  }

  beforeAll(async () => {
    peer = await provisionsPeer(config.NATS_URL);
    app = await createHttpApp({ module: AppModule.forRoot(config, logger), logger, host: '127.0.0.1', port: 0 });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await peer.close();
  });

  it('commits rows and their event together and relays the event to JetStream once', async () => {
    const batch = {
      transactions: [row({ externalId: 'x-1', member: 'm1' }), row({ externalId: 'x-2', amount: '-2.00', month: '2026-09' })],
    };
    // Answered on commit: whether the dashboards reflect it is the caller's to learn from the watermark.
    await expect(peer.request(ingestTransactions, { tenantId, batch })).resolves.toEqual({ accepted: 2, duplicates: 0, version: '1' });
    // Nothing new: no new version, the tenant's current one.
    await expect(peer.request(ingestTransactions, { tenantId, batch })).resolves.toMatchObject({
      accepted: 0,
      duplicates: 2,
      version: '1',
    });
    await app.get(OutboxRelay).flush();

    const events = await streamEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tenantId, version: '1', cause: 'ingested', months: ['2026-09', '2026-10'] });
    expect(events[0]?.deltas.map((d) => [d.month, d.addedCount, d.addedCents, d.member])).toEqual([
      ['2026-10', 1, '1250', 'm1'],
      ['2026-09', 1, '-200', null],
    ]);
  });

  it('re-publishing an already relayed entry is dropped by the stream (Nats-Msg-Id)', async () => {
    const db = app.get(DataSource);
    const before = (await streamEvents()).length;
    // Simulate a crash between publish and "mark published".
    await db.query("UPDATE ingestion.outbox SET published_at = NULL WHERE payload->>'tenantId' = $1", [tenantId]);
    await app.get(OutboxRelay).flush();
    expect((await streamEvents()).length).toBe(before);
  });

  it('emits a before/after change for a patch', async () => {
    const db = app.get(DataSource);
    const [target] = (await db.query("SELECT id FROM ingestion.transactions WHERE tenant_id = $1 AND external_id = 'x-1'", [tenantId])) as {
      id: string;
    }[];
    const patched = await peer.request(updateTransaction, {
      tenantId,
      id: target?.id as string,
      patch: { category: 'Dining', exclude: true },
    });
    expect(patched).toMatchObject({ category: 'Dining', exclude: true, amount: '12.50', month: '2026-10', version: '2' });
    await app.get(OutboxRelay).flush();
    const last = (await streamEvents()).at(-1);
    expect(last).toMatchObject({ cause: 'updated', version: '2' });
    expect(last?.deltas.map((d) => [d.category, d.excluded, d.addedCount, d.removedCount])).toEqual([
      ['Dining', true, 1, 0],
      ['Groceries', false, 0, 1],
    ]);
  });
});
