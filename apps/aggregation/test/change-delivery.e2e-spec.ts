import { api, createTenant, oneRowAdded, serviceEnv, SPEC_TENANT } from '@ledgerline/testing';
import { DEAD_LETTER_STREAM } from '@ledgerline/messaging';
import { changePartition, changeSubjectOf, LEGACY_CHANGE_SUBJECT } from '@ledgerline/contracts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

type Json = Record<string, unknown>;
type Summary = { expenses: { total: string; count: number } };
const MONTH = '2026-07';

/**
 * How a change travels once from ingestion's outbox through JetStream into
 * aggregation's rollups, and what happens when that delivery misbehaves:
 * a writer dying between commit and publish, a duplicate, changes out of
 * order, a poison message. Each time the rollups must equal a rebuild from
 * the raw rows.
 */
describe('change delivery from the outbox to the rollups', () => {
  let key: string;
  let tenantId: string;
  let nats: NatsConnection;
  let db: Client;

  beforeAll(async () => {
    const tenant = await createTenant(SPEC_TENANT);
    key = tenant.apiKey;
    tenantId = tenant.id;
    nats = await connect({ servers: serviceEnv('aggregation').NATS_URL });
    db = new Client({ connectionString: serviceEnv('ingestion').DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await nats.close();
    await db.end();
  });

  const write = async (amount: string) => {
    const res = await api<{ applied: boolean; version: string }>('POST', '/v1/transactions', {
      key,
      body: { transactions: [{ date: `${MONTH}-03`, amount, category: 'Groceries', member: 'm1' }] },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const fromSource = (path: string) => api<Json>('GET', path, { key, headers: { 'cache-control': 'no-cache' } });
  const summary = async () => (await api<Summary>('GET', `/v1/dashboard/summary?month=${MONTH}`, { key })).body.expenses;

  /**
   * Commits a row and its change as ingestion would, in SQL, and leaves the
   * outbox entry unpublished (`relayed: false`: the writer died before
   * publishing) or marked published without ever reaching the stream (to be
   * delivered by hand, in any order).
   */
  async function commitBehindTheScenes(amountCents: number, relayed: boolean, subject = changeSubjectOf(tenantId)): Promise<Json> {
    await db.query('BEGIN');
    try {
      const { rows } = await db.query<{ version: string }>(
        `INSERT INTO ingestion.tenant_versions AS v (tenant_id, version) VALUES ($1, 1)
         ON CONFLICT (tenant_id) DO UPDATE SET version = v.version + 1 RETURNING version::text`,
        [tenantId],
      );
      const version = rows[0]?.version as string;
      await db.query(
        `INSERT INTO ingestion.transactions (id, tenant_id, date, month, amount_cents, category, subcategory, expense_type, member)
         VALUES ($1, $2, $3, $4, $5, 'Groceries', 'Other', 'VARIABLE', 'm1')`,
        [randomUUID(), tenantId, `${MONTH}-04`, MONTH, amountCents],
      );
      const event = oneRowAdded(tenantId, version, MONTH, amountCents, 'm1');
      await db.query(
        `INSERT INTO ingestion.outbox (event_id, tenant_id, months, version, subject, payload, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, ${relayed ? 'now()' : 'NULL'})`,
        [event.eventId, tenantId, event.months, version, subject, JSON.stringify(event)],
      );
      await db.query('COMMIT');
      return event;
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }

  const publish = (payload: Json | string) =>
    jetstream(nats).publish(changeSubjectOf(tenantId), typeof payload === 'string' ? payload : JSON.stringify(payload), {
      msgID: randomUUID(),
    });

  async function expectRollupsEqualRebuild(): Promise<void> {
    const paths = [
      `/v1/dashboard/summary?month=${MONTH}`,
      `/v1/dashboard/breakdown?month=${MONTH}`,
      `/v1/dashboard/trends?from=${MONTH}&to=${MONTH}`,
    ];
    const incremental = await Promise.all(paths.map(async (p) => (await fromSource(p)).body));
    const refreshed = await api('POST', `/v1/dashboard/refresh?month=${MONTH}`, { key });
    expect(refreshed.status).toBe(200);
    const rebuilt = await Promise.all(paths.map(async (p) => (await fromSource(p)).body));
    expect(rebuilt).toEqual(incremental);
  }

  it('applies a change its writer committed but never published (the relay finds it)', async () => {
    await write('10.00');
    await commitBehindTheScenes(250, false);
    // A later write is applied only after every earlier version: once it is, the orphan is in.
    expect((await write('1.00')).applied).toBe(true);
    expect(await summary()).toEqual(expect.objectContaining({ count: 3, total: '13.50' }));
    await expectRollupsEqualRebuild();
  });

  it('applies a redelivered change once', async () => {
    const { rows } = await db.query<{ payload: Json }>('SELECT payload FROM ingestion.outbox WHERE tenant_id = $1 ORDER BY id LIMIT 1', [
      tenantId,
    ]);
    await publish(rows[0]?.payload as Json);
    expect((await write('1.00')).applied).toBe(true);
    expect(await summary()).toEqual(expect.objectContaining({ count: 4, total: '14.50' }));
    await expectRollupsEqualRebuild();
  });

  it('applies changes that arrive out of order in version order', async () => {
    const first = await commitBehindTheScenes(100, true);
    const second = await commitBehindTheScenes(200, true);
    await publish(second);
    await publish(first);
    expect((await write('1.00')).applied).toBe(true);
    expect(await summary()).toEqual(expect.objectContaining({ count: 7, total: '18.50' }));
    await expectRollupsEqualRebuild();
  });

  it('parks poison messages in the dead-letter stream, counts them, and keeps applying the rest', async () => {
    const jsm = await jetstreamManager(nats);
    const parked = async () => (await jsm.streams.info(DEAD_LETTER_STREAM.name).catch(() => undefined))?.state.messages ?? 0;
    const before = await parked();
    await publish('this is not JSON');
    await publish({ eventId: 'not-a-uuid', tenantId });
    expect((await write('1.00')).applied).toBe(true);
    const deadline = Date.now() + 15_000;
    while ((await parked()) < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await parked()).toBe(before + 2);
    const metrics = await (await fetch(serviceEnvUrl('aggregation', '/metrics'))).text();
    const consumer = `aggregation-rollups-p${changePartition(tenantId)}`;
    expect(metrics).toMatch(new RegExp(`ledgerline_dead_letters_total\\{stream="TRANSACTIONS",consumer="${consumer}"\\} [2-9]`));
    expect(await summary()).toEqual(expect.objectContaining({ count: 8, total: '19.50' }));
  });

  it('keeps applying after a rebuild without counting twice what the rebuild already saw', async () => {
    await api('POST', `/v1/dashboard/refresh?month=${MONTH}`, { key });
    expect((await write('0.50')).applied).toBe(true);
    expect(await summary()).toEqual(expect.objectContaining({ count: 9, total: '20.00' }));
    await expectRollupsEqualRebuild();
  });

  it('applies changes an older ingestion left on the unpartitioned subject (an upgrade), in order with new ones', async () => {
    // One left in the outbox, one already on the stream: both reach aggregation's legacy consumer.
    await commitBehindTheScenes(300, false, LEGACY_CHANGE_SUBJECT);
    const onStream = await commitBehindTheScenes(200, true, LEGACY_CHANGE_SUBJECT);
    await jetstream(nats).publish(LEGACY_CHANGE_SUBJECT, JSON.stringify(onStream), { msgID: randomUUID() });
    expect((await write('0.50')).applied).toBe(true);
    expect(await summary()).toEqual(expect.objectContaining({ count: 12, total: '25.50' }));
    await expectRollupsEqualRebuild();
  });
});

function serviceEnvUrl(name: 'aggregation', path: string): string {
  return `http://127.0.0.1:${serviceEnv(name).PORT}${path}`;
}
