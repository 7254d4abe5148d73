import { NatsBus } from '@ledgerline/messaging';
import { waitFor } from '@ledgerline/testing';
import { randomUUID } from 'node:crypto';
import { RATE_LIMIT_REDIS } from '../tokens';
import { call, insertTenantKey, startOwnInfra, startReplica, type OwnInfra, type Replica, type Reply } from '../../test/gateway.test-helper';
import type { Redis } from './rate-limit.redis';
import { ReplicaPresence } from './replica-presence';

const PROBLEM = 'application/problem+json';
const WHOAMI = '/v1/tenant/keys/current';
/** A tenant whose reads are limited per its own override, for the window-edge check. */
const EDGE_TENANT = randomUUID();

/**
 * Three gateway instances sharing one real Redis, one real NATS and the
 * integration tier's PostgreSQL: the limits hold for the fleet, not per
 * replica; a Redis outage falls back to per-replica shares and recovers.
 */
describe('rate limits across three gateway replicas', () => {
  let infra: OwnInfra;
  let replicas: Replica[];

  beforeAll(async () => {
    infra = await startOwnInfra();
    // Slow refill (21 an hour) makes "exactly the burst" exact however slowly this machine runs.
    const env = {
      RATE_LIMIT_READS: '21/1h',
      RATE_LIMIT_WRITES: '50/1s,100',
      RATE_LIMIT_ANONYMOUS: '50/1h',
      RATE_LIMIT_IMPORTS: '5/1h',
      RATE_LIMIT_TENANT_OVERRIDES: JSON.stringify({ [EDGE_TENANT]: { reads: '10/2s' } }),
      // No RATE_LIMIT_FALLBACK_REPLICAS (default 1): the Redis-down shares below come from the live count.
      RATE_LIMIT_PRESENCE_INTERVAL_MS: '200',
      RATE_LIMIT_REDIS_TIMEOUT_MS: '1000',
    };
    replicas = [
      await startReplica(infra, { ...env, TRUSTED_PROXIES: '10.0.0.0/8' }),
      await startReplica(infra, { ...env, TRUSTED_PROXIES: '10.0.0.0/8' }),
      // The third sits behind a (loopback) proxy it trusts.
      await startReplica(infra, { ...env, TRUSTED_PROXIES: '127.0.0.1/32, ::1' }),
    ];
    await liveCount(3);
  });

  /** Until every running replica has heard exactly `n` (itself included) over NATS. */
  const liveCount = (n: number) =>
    waitFor(`${n} live replicas`, async () => replicas.every((r) => r.app.get(ReplicaPresence).count() === n), 20_000, 50);

  afterAll(async () => {
    for (const r of replicas ?? []) await r.app.close();
    await infra?.stop();
  });

  /** `total` requests spread round-robin over the replicas, all in flight at once. */
  const burst = (total: number, key: string, on: Replica[] = replicas): Promise<Reply[]> =>
    Promise.all(Array.from({ length: total }, (_, i) => call((on[i % on.length] as Replica).url, 'GET', WHOAMI, { key })));

  const ok = (replies: Reply[]) => replies.filter((r) => r.status === 200);

  it('admits exactly the burst in total from a 10× burst over three replicas, with headers on every response', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    const replies = await burst(210, key.apiKey);
    const admitted = ok(replies);
    expect(admitted).toHaveLength(21);
    // Each admission saw a distinct remaining count: one shared bucket, no double spending.
    expect(admitted.map((r) => Number(r.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 21 }, (_, i) => i),
    );
    expect(admitted[0]?.body).toEqual({ id: key.keyId, tenantId: key.tenantId });
    for (const r of replies) {
      expect(r.headers.get('ratelimit-policy')).toBe('"reads";q=21;w=3600');
      expect(r.headers.get('ratelimit')).toMatch(/^"reads";r=\d+;t=\d+$/);
      expect(r.headers.get('x-ratelimit-limit')).toBe('21');
      expect(r.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    }
    const rejected = replies.filter((r) => r.status === 429);
    expect(rejected).toHaveLength(189);
    for (const r of rejected) {
      expect(r.headers.get('content-type')).toContain(PROBLEM);
      expect(r.body).toMatchObject({ type: 'https://ledgerline.dev/problems/rate-limited', title: 'Too many requests', status: 429 });
      // One more read is earned every 3600/21 s.
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(170);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(172);
      expect(r.headers.get('ratelimit')).toMatch(/^"reads";r=0;t=\d+$/);
    }
  });

  it('does not charge requests that failed on the server side (5xx), exactly, across replicas', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    // No provisions service runs in this tier: every GET /v1/tenant is a 503 after admission.
    const failed = [];
    for (let i = 0; i < 30; i++) failed.push(await call((replicas[i % 3] as Replica).url, 'GET', '/v1/tenant', { key: key.apiKey }));
    expect(failed.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 503));
    // Refunds are exact: the shared bucket still holds the whole burst, no more and no less.
    const admitted = ok(await burst(210, key.apiKey));
    expect(admitted).toHaveLength(21);
  });

  it('admits at most 5 imports in any rolling window across replicas (a sliding log, not a refilling bucket)', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    const postImport = (i: number, csv: boolean) =>
      call((replicas[i % 3] as Replica).url, 'POST', '/v1/imports', {
        key: key.apiKey,
        // JSON is refused with 415 after admission (charged); a CSV reaches the absent ingestion: 503 (refunded).
        ...(csv ? { body: 'date,amount,category\n2026-10-01,1.00,x\n', contentType: 'text/csv' } : { body: '{}' }),
      });
    const failed = await Promise.all(Array.from({ length: 3 }, (_, i) => postImport(i, true)));
    expect(failed.map((r) => r.status >= 500)).toEqual([true, true, true]);
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => postImport(i, false)));
    expect(replies.filter((r) => r.status === 415)).toHaveLength(5);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited).toHaveLength(25);
    expect(limited[0]?.headers.get('ratelimit-policy')).toBe('"imports";q=5;w=3600');
    // A refilling bucket (GCRA) would let the next one in after 3600/5 = 720 s; the window frees a slot
    // only when the oldest admission is an hour old.
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThan(720);
  });

  it('keeps route classes and keys apart', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    await burst(30, key.apiKey);
    // Reads are spent; writes are a separate bucket, and another key of the same tenant has its own.
    const write = await call((replicas[1] as Replica).url, 'POST', '/v1/tenant/keys', { key: key.apiKey });
    expect(write.status).toBe(201);
    expect(write.headers.get('ratelimit-policy')).toBe('"writes";q=100;w=2');
    const other = (write.body as { apiKey: string }).apiKey;
    expect((await call((replicas[2] as Replica).url, 'GET', WHOAMI, { key: other })).status).toBe(200);
  });

  it('never admits a double burst across a window edge (per-tenant override 10 per 2 s)', async () => {
    const key = await insertTenantKey(replicas[0] as Replica, EDGE_TENANT);
    // Straddle the instant a fixed 2 s window would reset: half the burst just before, half just after.
    await waitFor('the last 100 ms of a 2 s window', async () => Date.now() % 2_000 >= 1_900, 5_000, 5);
    const started = Date.now();
    const before = await burst(50, key.apiKey);
    await waitFor('the next 2 s window', async () => Date.now() % 2_000 < 1_000, 5_000, 5);
    const after = await burst(50, key.apiKey);
    const elapsed = Date.now() - started;
    const admitted = ok(before).length + ok(after).length;
    expect(before[0]?.headers.get('ratelimit-policy')).toBe('"reads";q=10;w=2');
    expect(ok(before)).toHaveLength(10);
    // GCRA earns one request per 200 ms: whatever happened at the edge, at most that many more got in
    // (a fixed window would have admitted a fresh 10 right after the edge).
    expect(admitted).toBeLessThanOrEqual(10 + Math.floor(elapsed / 200));
    expect(admitted).toBeGreaterThanOrEqual(10);
  });

  it('falls back to per-replica shares when Redis is killed, and shares one bucket again once it is back', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    expect(ok(await burst(6, key.apiKey))).toHaveLength(6);

    const pid = infra.redis.child.pid as number;
    const exited = new Promise((resolve) => infra.redis.child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;

    // Each replica enforces ceil(21 / 3 live replicas) = 7 on its own: neither open (210) nor closed (0).
    for (const replica of replicas) {
      const replies = await burst(20, key.apiKey, [replica]);
      expect(ok(replies)).toHaveLength(7);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(13);
      expect(replies[0]?.headers.get('ratelimit-policy')).toBe('"reads";q=7;w=3600');
    }

    await infra.restartRedis();
    for (const replica of replicas) {
      await waitFor('replica redis reconnect', async () => replica.app.get<Redis>(RATE_LIMIT_REDIS).isReady, 20_000, 50);
    }
    // Redis restarted empty (no persistence): a fresh shared bucket of 21, all through one replica.
    const fresh = await burst(40, key.apiKey, [replicas[1] as Replica]);
    expect(ok(fresh)).toHaveLength(21);
    expect(fresh[0]?.headers.get('ratelimit-policy')).toBe('"reads";q=21;w=3600');
    expect(ok(await burst(30, key.apiKey))).toHaveLength(0);
  });

  it('decides locally within the command timeout while Redis hangs, then returns to the shared bucket', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    const probe = await insertTenantKey(replicas[0] as Replica);
    const pid = infra.redis.child.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      // Every command times out (RATE_LIMIT_REDIS_TIMEOUT_MS) instead of hanging the request: the local share applies.
      const replies = await burst(20, key.apiKey, [replicas[0] as Replica]);
      expect(ok(replies)).toHaveLength(7);
      expect(replies.filter((r) => r.status === 429)).toHaveLength(13);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(
      'shared limits again',
      async () =>
        (await call((replicas[0] as Replica).url, 'GET', WHOAMI, { key: probe.apiKey })).headers.get('ratelimit-policy') ===
        '"reads";q=21;w=3600',
      20_000,
      100,
    );
  });

  it('revokes a key on every replica at once (NATS fan-out, not the cache TTL)', async () => {
    const owner = await insertTenantKey(replicas[0] as Replica);
    const minted = await call((replicas[0] as Replica).url, 'POST', '/v1/tenant/keys', { key: owner.apiKey });
    const { id, apiKey } = minted.body as { id: string; apiKey: string };
    // Warm every replica's key cache.
    for (const r of replicas) expect((await call(r.url, 'GET', WHOAMI, { key: apiKey })).status).toBe(200);

    expect((await call((replicas[0] as Replica).url, 'DELETE', `/v1/tenant/keys/${id}`, { key: owner.apiKey })).status).toBe(204);
    for (const r of replicas) {
      // After a PING/PONG round trip the replica has processed every message the server sent it before.
      await r.app.get(NatsBus).connection.flush();
      const res = await call(r.url, 'GET', WHOAMI, { key: apiKey });
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('https://ledgerline.dev/problems/unauthorized');
    }
    expect((await call((replicas[1] as Replica).url, 'GET', WHOAMI, { key: owner.apiKey })).status).toBe(200);
  });

  it('ignores X-Forwarded-For from an untrusted peer and honours it behind a trusted proxy', async () => {
    const bad = `ll_${'z'.repeat(32)}`;
    // Replicas 0 and 1 trust only 10.0.0.0/8: a loopback client rotating fake addresses is still one client.
    const remaining: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call((replicas[i % 2] as Replica).url, 'GET', WHOAMI, {
        key: bad,
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('ratelimit-policy')).toBe('"anonymous";q=50;w=3600');
      remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
    }
    const first = remaining[0] as number;
    expect(remaining).toEqual(Array.from({ length: 12 }, (_, i) => first - i));

    // Replica 2 trusts its loopback peer as a proxy: each forwarded client has its own fresh bucket,
    // and the spoofable left-hand entry is not taken for the client.
    for (let i = 0; i < 5; i++) {
      const res = await call((replicas[2] as Replica).url, 'GET', WHOAMI, {
        key: bad,
        headers: { 'x-forwarded-for': `1.2.3.4, 203.0.113.${i}` },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('49');
    }
    const again = await call((replicas[2] as Replica).url, 'GET', WHOAMI, {
      key: bad,
      headers: { 'x-forwarded-for': '9.9.9.9, 203.0.113.0' },
    });
    expect(again.headers.get('x-ratelimit-remaining')).toBe('48');
  });

  // Last: it stops a replica.
  it('moves the Redis-down share to the live replica count when a replica stops', async () => {
    const key = await insertTenantKey(replicas[0] as Replica);
    const stopped = replicas.pop() as Replica;
    await stopped.app.close();
    // Unheard for 3 presence intervals, the stopped replica drops out of the count.
    await liveCount(2);

    const pid = infra.redis.child.pid as number;
    const exited = new Promise((resolve) => infra.redis.child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    try {
      // ceil(21 / 2) = 11 each: the two survivors admit about the whole limit between them, not 2/3 of it.
      for (const replica of replicas) {
        const replies = await burst(20, key.apiKey, [replica]);
        expect(ok(replies)).toHaveLength(11);
        // The window stretches with the rounding up (11 × 7200 s / 21): only the quota is asserted.
        expect(replies[0]?.headers.get('ratelimit-policy')).toMatch(/^"reads";q=11;w=\d+$/);
      }
    } finally {
      await infra.restartRedis();
    }
  });
});
