import { cachedRead, getSummary, invalidateCache, nearCacheEntryAt, setFaultsOf, type NearCacheEntry, type Summary } from '@ledgerline/contracts';
import { type NatsBus, rawJsonReply } from '@ledgerline/messaging';
import { faults } from '@ledgerline/runtime';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CacheGatewayFixture } from '../../test/cache-gateway.fixture';
import { ConsistencyAuditor } from './consistency-auditor';
import { ServedAnswers } from './served-answers';

const MONTH = '2026-03';

/**
 * One cache-gateway against real NATS and Redis, in front of a stand-in source
 * whose figures and version the test moves. Audits are driven one by one (the
 * timer's budget is one per 1000 s here) so each outcome is the one expected.
 */
describe('consistency auditor with real Redis and NATS', () => {
  let fixture: CacheGatewayFixture;
  let app: INestApplication;
  let client: NatsBus;
  let upstream: NatsBus;
  let gateway: NatsBus;
  /** What the stand-in api-gateway replica holds in its near-cache, by key. */
  const near = new Map<string, NearCacheEntry>();
  /** What the source answers per tenant: its figures and the version they reflect. */
  const source = new Map<string, { total: string; version: string }>();

  beforeAll(async () => {
    fixture = await CacheGatewayFixture.start('auditor-it', 1, { CACHE_AUDIT_PER_SECOND: '0.001', CACHE_AUDIT_GRACE_MS: '50' });
    app = fixture.replicas[0] as INestApplication;
    client = fixture.client;
    upstream = await fixture.connect('aggregation');
    upstream.serveRaw(getSummary, async ({ tenantId }) => {
      const figures = source.get(tenantId) ?? { total: '0.00', version: '0' };
      return rawJsonReply({ month: MONTH, expenses: { total: figures.total } } as unknown as Summary, figures.version);
    });
    // A stand-in api-gateway replica: answers the auditor's re-ask with what its near-cache holds under a key.
    gateway = await fixture.connect('api-gateway');
    gateway.serve(nearCacheEntryAt('gw-1'), async ({ key }) => ({ entry: (key !== undefined && near.get(key)) || null }));
  }, 60_000);

  afterAll(async () => {
    faults.set([]);
    await fixture?.stop();
  });

  afterEach(() => faults.set([]));

  const read = (tenantId: string) => client.requestRaw(cachedRead(getSummary), { tenantId, month: MONTH });
  /** The answer just served for this tenant, as the auditor samples it, then audited. */
  const auditLatest = async (tenantId: string) => {
    const served = app.get(ServedAnswers);
    for (let sample = served.takeSample(); sample; sample = served.takeSample()) {
      if (sample.tenantId === tenantId) return app.get(ConsistencyAuditor).audit(sample);
    }
    throw new Error(`no served answer of ${tenantId} to audit`);
  };

  it('finds a served entry equal to the source correct, also after unrelated changes moved the version', async () => {
    const tenantId = randomUUID();
    source.set(tenantId, { total: '10.00', version: '3' });
    await read(tenantId);
    expect(await auditLatest(tenantId)).toBe('correct');
    source.set(tenantId, { total: '10.00', version: '4' }); // another month changed
    await read(tenantId);
    expect(await auditLatest(tenantId)).toBe('correct');
  });

  it('finds an entry the source moved past invalidated when the invalidation went through', async () => {
    const tenantId = randomUUID();
    source.set(tenantId, { total: '10.00', version: '3' });
    await read(tenantId);
    source.set(tenantId, { total: '12.00', version: '4' });
    await client.request(invalidateCache, { tenantId, months: [MONTH] });
    expect(await auditLatest(tenantId)).toBe('invalidated');
  });

  it('reports a stale entry when the invalidation was skipped (the drill fault) and the cache still serves it', async () => {
    const tenantId = randomUUID();
    source.set(tenantId, { total: '10.00', version: '3' });
    await read(tenantId);
    faults.set([{ target: invalidateCache.subject, delayMs: 0, errorRate: 0, skip: true }]);
    source.set(tenantId, { total: '12.00', version: '4' });
    expect(await client.request(invalidateCache, { tenantId, months: [MONTH] })).toEqual({ invalidated: true });
    const served = await read(tenantId);
    expect(served.version).toBe('3');
    expect(await auditLatest(tenantId)).toBe('stale');
  });

  it('switches the skip fault at runtime over NATS (the drill), and back off', async () => {
    const skip = [{ target: invalidateCache.subject, delayMs: 0, errorRate: 0, skip: true }];
    const on = await client.request(setFaultsOf('cache-gateway'), { faults: skip });
    expect(on).toEqual({ replica: app.get(ServedAnswers).replica, faults: skip });
    expect(faults.skips(invalidateCache.subject)).toBe(true);
    expect(await client.request(setFaultsOf('cache-gateway'), { faults: [] })).toMatchObject({ faults: [] });
    expect(faults.skips(invalidateCache.subject)).toBe(false);
  });

  it('reports a mismatch when the source at the entry version holds other figures', async () => {
    const tenantId = randomUUID();
    source.set(tenantId, { total: '10.00', version: '3' });
    await read(tenantId);
    source.set(tenantId, { total: '11.00', version: '3' });
    expect(await auditLatest(tenantId)).toBe('mismatch');
  });

  describe('api-gateway near-cache entries', () => {
    /** A near-cache entry of the summary as the gateway replica gw-1 would hand it to the auditor. */
    const entryOf = async (tenantId: string): Promise<NearCacheEntry> => {
      const reply = await client.requestRaw(cachedRead(getSummary), { tenantId, month: MONTH });
      const entry: NearCacheEntry = {
        replica: 'gw-1',
        key: `${tenantId}\n${getSummary.subject} ${MONTH}`,
        subject: getSummary.subject,
        payload: { tenantId, month: MONTH },
        version: reply.version ?? null,
        encoding: reply.encoding,
        body: Buffer.from(reply.body).toString('base64'),
        heldSinceMs: Date.now() - 5,
        traceId: null,
      };
      near.set(entry.key, entry);
      return entry;
    };

    it('finds an entry equal to the source correct', async () => {
      const tenantId = randomUUID();
      source.set(tenantId, { total: '10.00', version: '3' });
      expect(await app.get(ConsistencyAuditor).auditNear(await entryOf(tenantId))).toBe('correct');
    });

    it('reports a stale entry the gateway still holds after the source moved, and an invalidated one it dropped', async () => {
      const tenantId = randomUUID();
      source.set(tenantId, { total: '10.00', version: '3' });
      const entry = await entryOf(tenantId);
      source.set(tenantId, { total: '12.00', version: '4' });
      expect(await app.get(ConsistencyAuditor).auditNear(entry)).toBe('stale');
      near.delete(entry.key); // the gateway dropped it on the invalidation event
      expect(await app.get(ConsistencyAuditor).auditNear(entry)).toBe('invalidated');
    });

    it('finds an entry of a replica that is gone invalidated, and skips reads it does not know', async () => {
      const tenantId = randomUUID();
      source.set(tenantId, { total: '10.00', version: '3' });
      const entry = { ...(await entryOf(tenantId)), replica: 'gw-gone' };
      source.set(tenantId, { total: '12.00', version: '4' });
      expect(await app.get(ConsistencyAuditor).auditNear(entry)).toBe('invalidated');
      expect(app.get(ConsistencyAuditor).auditNear({ ...entry, subject: 'no.such.read.v1' })).toBeUndefined();
    });
  });
});
