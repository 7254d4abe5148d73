import { cachedRead, getBreakdown, getSummary, invalidateCache, rollupsChanged, type Summary } from '@ledgerline/contracts';
import { type NatsBus, rawReplyJson } from '@ledgerline/messaging';
import type { Redis } from '@ledgerline/runtime';
import { stopChild, waitFor } from '@ledgerline/testing';
import { randomUUID } from 'node:crypto';
import { CacheGatewayFixture } from '../../test/cache-gateway.fixture';
import { REDIS } from '../tokens';

const MONTH = '2026-03';

/**
 * Two cache-gateway replicas against their own NATS and Redis processes (this
 * spec kills Redis, so it must not share one with other specs), in front of a
 * stand-in aggregation service that counts how often it is asked.
 */
describe('cache-gateway with real Redis and NATS', () => {
  let fixture: CacheGatewayFixture;
  let client: NatsBus;
  let upstream: NatsBus;
  /** Upstream computations per tenant; the figure changes with every computation. */
  const computed = new Map<string, number>();
  let upstreamDelayMs = 0;
  let padding = '';

  const summaryOf = (tenantId: string, n: number): Summary =>
    ({ month: MONTH, currency: 'EUR', expenses: { total: `${n}.00` }, note: padding, tenantId }) as unknown as Summary;

  const startUpstream = async () => {
    upstream = await fixture.connect('aggregation');
    upstream.serve(getSummary, async ({ tenantId }) => {
      const n = (computed.get(tenantId) ?? 0) + 1;
      computed.set(tenantId, n);
      if (upstreamDelayMs > 0) await new Promise((r) => setTimeout(r, upstreamDelayMs));
      return summaryOf(tenantId, n);
    });
    upstream.serve(getBreakdown, async ({ tenantId }) => {
      computed.set(`${tenantId}:breakdown`, (computed.get(`${tenantId}:breakdown`) ?? 0) + 1);
      return { month: MONTH, expenseType: null, total: '0.00', categories: [] };
    });
  };

  const read = async (tenantId: string) =>
    (await client.request(cachedRead(getSummary), { tenantId, month: MONTH })) as unknown as { expenses: { total: string } };

  beforeAll(async () => {
    // No auditor: its recomputations would count as upstream computations here (auditor.integration-spec covers it).
    fixture = await CacheGatewayFixture.start('cache-it', 2, { CACHE_LEASE_WAIT_MS: '3000', CACHE_AUDIT_PER_SECOND: '0' });
    client = fixture.client;
    await startUpstream();
  }, 60_000);

  afterAll(async () => {
    await fixture?.stop();
  });

  beforeEach(() => {
    upstreamDelayMs = 0;
    padding = '';
  });

  it('answers repeated reads from cache until a version the reply depends on is bumped', async () => {
    const tenantId = randomUUID();
    expect((await read(tenantId)).expenses.total).toBe('1.00');
    for (let i = 0; i < 5; i++) expect((await read(tenantId)).expenses.total).toBe('1.00');
    expect(computed.get(tenantId)).toBe(1);

    // Another month, another tenant: nothing this reply depends on.
    await client.request(invalidateCache, { tenantId, months: ['2026-04'] });
    await client.request(invalidateCache, { tenantId: randomUUID() });
    expect((await read(tenantId)).expenses.total).toBe('1.00');

    await client.request(invalidateCache, { tenantId, months: [MONTH] });
    expect((await read(tenantId)).expenses.total).toBe('2.00');

    // Tenant-wide (budget, config) changes invalidate every month.
    await client.request(invalidateCache, { tenantId });
    expect((await read(tenantId)).expenses.total).toBe('3.00');
    expect((await read(tenantId)).expenses.total).toBe('3.00');
    expect(computed.get(tenantId)).toBe(3);
  });

  it("releases only its own lease: one that expired and was taken over meanwhile stays the new holder's", async () => {
    const tenantId = randomUUID();
    const redisClient = fixture.replicas[0]?.get<Redis>(REDIS) as Redis;
    upstreamDelayMs = 400;
    const reading = read(tenantId);
    let leases: string[] = [];
    await waitFor('the lease of the computation in progress', async () => {
      leases = (await redisClient.keys('ll:cache:lease:*')).filter((k) => k.includes(tenantId));
      return leases.length === 1;
    });
    // As if this lease had expired and another replica had taken the key over.
    await redisClient.set(leases[0] as string, 'another-replica', { PX: 60_000 });
    expect((await reading).expenses.total).toBe('1.00');
    expect(await redisClient.get(leases[0] as string)).toBe('another-replica');
  });

  it('acts on a change event only when its publisher could not confirm the invalidation itself', async () => {
    const tenantId = randomUUID();
    const event = (cachesInvalidated?: boolean) => ({
      eventId: randomUUID(),
      tenantId,
      version: '1',
      months: [MONTH],
      occurredAt: new Date().toISOString(),
      ...(cachesInvalidated === undefined ? {} : { cachesInvalidated }),
    });
    /** Published, then flushed through a request round trip so every replica has handled it. */
    const publish = async (payload: ReturnType<typeof event>) => {
      client.publish(rollupsChanged, payload);
      await client.connection.flush();
      await new Promise((r) => setTimeout(r, 100));
    };
    expect((await read(tenantId)).expenses.total).toBe('1.00');

    // What aggregation does: invalidate (confirmed), then announce the change saying so.
    await client.request(invalidateCache, { tenantId, months: [MONTH] });
    expect((await read(tenantId)).expenses.total).toBe('2.00');
    await publish(event(true));
    expect((await read(tenantId)).expenses.total).toBe('2.00');

    // The invalidation request did not get through: the event is the backstop.
    await publish(event(false));
    expect((await read(tenantId)).expenses.total).toBe('3.00');
    await publish(event());
    expect((await read(tenantId)).expenses.total).toBe('4.00');
  });

  it('keys replies by request: another read of the same month is cached separately', async () => {
    const tenantId = randomUUID();
    await read(tenantId);
    await client.request(cachedRead(getBreakdown), { tenantId, month: MONTH });
    await client.request(cachedRead(getBreakdown), { tenantId, month: MONTH });
    expect(computed.get(tenantId)).toBe(1);
    expect(computed.get(`${tenantId}:breakdown`)).toBe(1);
  });

  it('computes a freshly invalidated key once across both replicas under 200 concurrent readers', async () => {
    const tenantId = randomUUID();
    await read(tenantId);
    await client.request(invalidateCache, { tenantId, months: [MONTH] });
    upstreamDelayMs = 150;
    const replies = await Promise.all(Array.from({ length: 200 }, () => read(tenantId)));
    expect(new Set(replies.map((r) => r.expenses.total))).toEqual(new Set(['2.00']));
    expect(computed.get(tenantId)).toBe(2);
  });

  it('stores large replies gzipped and hands the bytes on without touching them', async () => {
    const tenantId = randomUUID();
    padding = 'x'.repeat(4_000);
    const first = await client.requestRaw(cachedRead(getSummary), { tenantId, month: MONTH });
    const second = await client.requestRaw(cachedRead(getSummary), { tenantId, month: MONTH });
    expect(first.encoding).toBe('gzip');
    expect(first.body.byteLength).toBeLessThan(1_000);
    expect(JSON.parse(rawReplyJson(second))).toEqual(summaryOf(tenantId, 1));
    expect(computed.get(tenantId)).toBe(1);
  });

  it('serves the last figures when the upstream is down', async () => {
    const tenantId = randomUUID();
    await read(tenantId);
    await upstream.close();
    try {
      await client.request(invalidateCache, { tenantId, months: [MONTH] });
      expect((await read(tenantId)).expenses.total).toBe('1.00');
      await expect(read(randomUUID())).rejects.toMatchObject({ code: 'service-unavailable' });
    } finally {
      await startUpstream();
    }
    expect((await read(tenantId)).expenses.total).toBe('2.00');
  });

  it('keeps serving and invalidating with Redis killed, and resumes shared caching when it returns', async () => {
    const tenantId = randomUUID();
    await read(tenantId);
    await stopChild(fixture.redis.child);

    // Degraded: each replica caches in L1 on its own counters; invalidation reaches it through the fan-out.
    const outage = computed.get(tenantId) ?? 0;
    for (let i = 0; i < 10; i++) await read(tenantId);
    expect(computed.get(tenantId)).toBeLessThanOrEqual(outage + fixture.replicas.length);
    const beforeInvalidation = computed.get(tenantId) ?? 0;
    // Not confirmed (the shared versions did not move); the owner's change event, which says so, then makes
    // every replica drop its local view (it reaches them before the read below, sent after it).
    await expect(client.request(invalidateCache, { tenantId, months: [MONTH] })).rejects.toMatchObject({ code: 'service-unavailable' });
    client.publish(rollupsChanged, {
      eventId: randomUUID(),
      tenantId,
      version: '1',
      months: [MONTH],
      occurredAt: new Date().toISOString(),
      cachesInvalidated: false,
    });
    expect(Number((await read(tenantId)).expenses.total)).toBeGreaterThan(beforeInvalidation);

    await fixture.restartRedis();
    await fixture.redisReady(15_000);
    const before = computed.get(tenantId) ?? 0;
    const resumed = await read(tenantId);
    for (let i = 0; i < 5; i++) expect(await read(tenantId)).toEqual(resumed);
    // Reconnected replicas dropped their local entries, then share one computed value.
    expect(computed.get(tenantId)).toBe(before + 1);
  });
});
