import { apiKeyRevoked, AppError } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { timingSafeEqual } from 'node:crypto';
import { GATEWAY_CONFIG } from '../tokens';
import type { GatewayConfig } from '../config';
import { hashApiKey, looksLikeApiKey } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; keyId: string };

const UNKNOWN = { kind: 'unknown' } as const;
type Lookup = Principal | typeof UNKNOWN;
type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

/**
 * How long a known key waits on the database before its last good lookup
 * answers instead: a stalled PostgreSQL must not stall every authenticated request.
 */
const KNOWN_KEY_GRACE_MS = 150;

/**
 * Resolves a bearer token to who is calling. Lookups are cached per replica;
 * a revocation is fanned out over NATS so every replica forgets the key at
 * once, and the cache TTL (API_KEY_CACHE_MS, ≤ 1 s) bounds the delay if that
 * at-most-once event is lost.
 *
 * While the database is stalled or unreachable, a key already seen keeps
 * working from its last good lookup (revocations still reach it through the
 * fan-out, which forgets that too); a key never seen cannot be checked and fails.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private readonly cache: LRUCache<string, Lookup>;
  /** Lookups on their way to the database: concurrent requests with one uncached key share one query. */
  private readonly inflight = new Map<string, { lookup: Promise<Lookup>; startedAt: number }>();
  /** Each active tenant key's last good lookup, without expiry: what answers while the database cannot. */
  private readonly lastGood = new LRUCache<string, TenantPrincipal>({ max: 10_000 });
  private readonly adminHash: Buffer;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(1, config.API_KEY_CACHE_MS) });
    this.adminHash = hashApiKey(config.ADMIN_API_KEY);
  }

  onModuleInit(): void {
    this.bus.subscribe(apiKeyRevoked, (event) => this.forget(event.keyId));
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const found = await this.lookup(token);
    if (found.kind === 'unknown') throw new AppError('unauthorized', 'The API key is unknown or revoked.');
    return found;
  }

  /**
   * The caller of a tenant key this replica resolved within API_KEY_CACHE_MS,
   * without waiting: for the fast path, which leaves every other case (a key
   * not seen lately, the admin key, no key) to the guard.
   */
  recentTenant(token: string | undefined): TenantPrincipal | undefined {
    if (!token || this.config.API_KEY_CACHE_MS <= 0) return undefined;
    const cached = this.cache.get(token);
    return cached?.kind === 'tenant' ? cached : undefined;
  }

  /** Revokes a key of the tenant and tells every replica; false when there was no such active key. */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    if (!(await this.keys.revoke(tenantId, keyId))) return false;
    this.forget(keyId);
    this.bus.publish(apiKeyRevoked, { tenantId, keyId });
    // Once the client hears 204, the event is on the server, ahead of anything another replica asks next.
    await this.bus.connection.flush().catch(() => undefined);
    return true;
  }

  private forget(keyId: string): void {
    for (const [token, lookup] of this.cache.entries()) {
      if (lookup.kind === 'tenant' && lookup.keyId === keyId) this.cache.delete(token);
    }
    for (const [token, lookup] of this.lastGood.entries()) {
      if (lookup.keyId === keyId) this.lastGood.delete(token);
    }
  }

  private async lookup(token: string): Promise<Lookup> {
    // Only tenant keys are cached, so a hit is never the admin key and skips hashing entirely.
    const cached = this.config.API_KEY_CACHE_MS > 0 ? this.cache.get(token) : undefined;
    if (cached) return cached;
    const hash = hashApiKey(token);
    if (timingSafeEqual(hash, this.adminHash)) return { kind: 'admin' };
    if (!looksLikeApiKey(token)) return UNKNOWN;
    let pending = this.inflight.get(token);
    if (!pending) {
      const lookup = this.keys
        .findActiveTenantByHash(hash)
        .then((row): Lookup => {
          const result: Lookup = row ? { kind: 'tenant', ...row } : UNKNOWN;
          if (this.config.API_KEY_CACHE_MS > 0) this.cache.set(token, result);
          if (result.kind === 'tenant') this.lastGood.set(token, result);
          else this.lastGood.delete(token);
          return result;
        })
        .finally(() => this.inflight.delete(token));
      // Callers served from the last good lookup no longer wait on this one: its failure is theirs to ignore.
      lookup.catch(() => undefined);
      pending = { lookup, startedAt: performance.now() };
      this.inflight.set(token, pending);
    }
    const known = this.lastGood.get(token);
    if (!known) return pending.lookup;
    return this.withinGrace(pending, known);
  }

  /** The database's answer if it comes within the grace period, else (or if it fails) the key's last good lookup. */
  private async withinGrace(pending: { lookup: Promise<Lookup>; startedAt: number }, known: TenantPrincipal): Promise<Lookup> {
    const left = KNOWN_KEY_GRACE_MS - (performance.now() - pending.startedAt);
    if (left <= 0) return known;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<Lookup>((resolve) => {
      timer = setTimeout(() => resolve(known), left);
    });
    try {
      return await Promise.race([pending.lookup.catch(() => known), grace]);
    } finally {
      clearTimeout(timer);
    }
  }
}
