import { AppError, type ParsedRequestOf, type RequestContract, type RequestOf } from '@ledgerline/contracts';
import { NatsBus, type RawReply } from '@ledgerline/messaging';
import { RedisDeadline } from '@ledgerline/runtime';
import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { CACHE_GATEWAY_CONFIG } from '../tokens';
import type { CacheGatewayConfig } from '../config';
import { ServedAnswers } from '../slo/served-answers';
import { CacheVersions } from './cache-versions';
import type { CachedRead } from './cached-reads';
import { recordLookup, type CacheLevel } from './cache.metrics';
import { decodeStored, encodeStored } from './stored-reply';

const LEASE_POLL_MS = 5;

/**
 * Read-through cache for one upstream read: L1 (this process, LRU bounded by
 * bytes) → L2 (Redis through cache-manager) → the upstream service. Replies are
 * kept as the bytes that go on the wire, gzipped when large, so a hit costs no
 * JSON and no compression. Concurrent misses of one key compute once per
 * replica (single-flight) and once across replicas (a Redis lease the others
 * wait on, bounded so a dead holder cannot block them).
 */
@Injectable()
export class ReadThroughCache {
  private readonly owner = randomUUID();
  private readonly l1: LRUCache<string, RawReply>;
  /** Latest versioned key per unversioned request: what to serve if the upstream is down. */
  private readonly latest: LRUCache<string, string>;
  private readonly inflight = new Map<string, Promise<RawReply>>();

  constructor(
    @Inject(CACHE_GATEWAY_CONFIG) private readonly config: CacheGatewayConfig,
    @Inject(CACHE_MANAGER) private readonly l2: Cache,
    private readonly redis: RedisDeadline,
    private readonly versions: CacheVersions,
    private readonly bus: NatsBus,
    private readonly served: ServedAnswers,
  ) {
    this.l1 = new LRUCache({
      maxSize: config.CACHE_L1_MAX_BYTES,
      sizeCalculation: (reply, key) => reply.body.byteLength + key.length,
      ttl: config.CACHE_TTL_MS,
    });
    this.latest = new LRUCache({ max: 100_000 });
  }

  async read<C extends RequestContract>(read: CachedRead<C>, request: ParsedRequestOf<C>): Promise<RawReply> {
    const scope = read.scope(request);
    const { token, shared } = await this.versions.token(scope);
    const unversioned = `${read.upstream.subject}:${scope.tenantId}:${digest(request)}`;
    const key = `${unversioned}:${token}`;
    const hit = this.l1.get(key);
    if (hit) {
      recordLookup(read.route, 'l1', 'hit');
      this.served.served(read, request, scope, key, hit, 'l1');
      return hit;
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.fill(read, request, unversioned, key, shared)
        .then(({ reply, level }) => {
          this.l1.set(key, reply);
          this.latest.set(unversioned, key);
          this.served.served(read, request, scope, key, reply, level);
          return reply;
        })
        .catch((error: unknown) => this.stale(read, unversioned, error))
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** The key a read of `request` would use now: the auditor's way to tell whether an entry is still served. */
  async keyOf<C extends RequestContract>(read: CachedRead<C>, request: ParsedRequestOf<C>): Promise<string> {
    const scope = read.scope(request);
    const { token } = await this.versions.token(scope);
    return `${read.upstream.subject}:${scope.tenantId}:${digest(request)}:${token}`;
  }

  /** Whether a reader of `key` would be served the held entry (this replica's L1, else Redis), without touching recency. */
  async holds(key: string): Promise<boolean> {
    return this.l1.peek(key) !== undefined || (await this.fromL2(key)) !== undefined;
  }

  /** Drops every L1 entry: used when Redis comes back and versions may have moved without us. */
  clearLocal(): void {
    this.l1.clear();
    this.latest.clear();
  }

  private async fill<C extends RequestContract>(
    read: CachedRead<C>,
    request: ParsedRequestOf<C>,
    unversioned: string,
    key: string,
    shared: boolean,
  ): Promise<{ reply: RawReply; level: CacheLevel }> {
    // Only a lease this replica took is released: one that waited it out and computes anyway must not free another's.
    let leased = false;
    if (shared) {
      const stored = await this.fromL2(key);
      if (stored) {
        recordLookup(read.route, 'l2', 'hit');
        return { reply: stored, level: 'l2' };
      }
      leased = await this.takeLease(key);
      if (!leased) {
        const computedElsewhere = await this.waitForL2(key);
        if (computedElsewhere) {
          recordLookup(read.route, 'l2', 'hit');
          return { reply: computedElsewhere, level: 'l2' };
        }
      }
    }
    recordLookup(read.route, 'upstream', 'miss');
    try {
      const reply = this.compress(await this.bus.requestRaw(read.upstream, request as RequestOf<C>));
      if (shared) await this.toL2(unversioned, key, reply);
      return { reply, level: 'upstream' };
    } finally {
      if (leased) await this.releaseLease(key);
    }
  }

  /**
   * With the upstream down or slow, the latest entry of the same request —
   * this replica's, or whichever replica stored one in Redis — beats an error.
   */
  private async stale(read: CachedRead, unversioned: string, error: unknown): Promise<RawReply> {
    const unavailable = error instanceof AppError && (error.code === 'service-unavailable' || error.code === 'upstream-timeout');
    if (!unavailable) throw error;
    const localKey = this.latest.get(unversioned);
    const local = localKey === undefined ? undefined : this.l1.get(localKey, { allowStale: true });
    if (local) {
      recordLookup(read.route, 'l1', 'stale');
      return local;
    }
    const sharedKey = await this.redis.run((r) => r.get(latestKey(unversioned))).catch(() => null);
    const shared = sharedKey === null ? undefined : await this.fromL2(sharedKey);
    if (!shared) throw error;
    recordLookup(read.route, 'l2', 'stale');
    return shared;
  }

  private compress(reply: RawReply): RawReply {
    if (reply.encoding === 'gzip' || reply.body.byteLength < this.config.CACHE_COMPRESS_MIN_BYTES) return reply;
    return { body: gzipSync(reply.body, { level: 6 }), encoding: 'gzip' };
  }

  private async fromL2(key: string): Promise<RawReply | undefined> {
    try {
      const stored = await this.redis.run(() => this.l2.get<string>(key));
      return stored === undefined || stored === null ? undefined : decodeStored(stored);
    } catch {
      return undefined; // Redis trouble is a miss, never an error.
    }
  }

  private async toL2(unversioned: string, key: string, reply: RawReply): Promise<void> {
    await this.redis
      .run((r) =>
        Promise.all([
          this.l2.set(key, encodeStored(reply), this.config.CACHE_TTL_MS),
          r.set(latestKey(unversioned), key, { PX: this.config.CACHE_TTL_MS }),
        ]),
      )
      .catch(() => undefined);
  }

  private async takeLease(key: string): Promise<boolean> {
    try {
      return (await this.redis.run((r) => r.set(leaseKey(key), this.owner, { NX: true, PX: this.config.CACHE_LEASE_MS }))) === 'OK';
    } catch {
      return true; // No Redis, no coordination: compute here.
    }
  }

  /** Compare-and-delete: a lease that expired and was taken by another replica meanwhile stays theirs. */
  private async releaseLease(key: string): Promise<void> {
    await this.redis.run((r) => r.eval(RELEASE_LEASE_LUA, { keys: [leaseKey(key)], arguments: [this.owner] })).catch(() => undefined);
  }

  private async waitForL2(key: string): Promise<RawReply | undefined> {
    const deadline = performance.now() + this.config.CACHE_LEASE_WAIT_MS;
    while (performance.now() < deadline) {
      await sleep(LEASE_POLL_MS);
      const stored = await this.fromL2(key);
      if (stored) return stored;
      if (!this.redis.available) return undefined;
    }
    return undefined;
  }
}

const leaseKey = (key: string) => `ll:cache:lease:${key}`;
const RELEASE_LEASE_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const latestKey = (unversioned: string) => `ll:cache:latest:${unversioned}`;

/** Request identity for keys: stable and short (requests are small validated objects). */
function digest(request: unknown): string {
  return createHash('sha1').update(JSON.stringify(request)).digest('base64url');
}
