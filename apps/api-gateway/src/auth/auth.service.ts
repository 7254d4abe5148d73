import { AppError } from '@ledgerline/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { hashApiKey, looksLikeApiKey, sameSecret } from './api-key';
import { ApiKeyRepository } from './api-key.repository';

export type Principal = { kind: 'admin' } | { kind: 'tenant'; tenantId: string; keyId: string };

const UNKNOWN = { kind: 'unknown' } as const;
type Lookup = Principal | typeof UNKNOWN;

/**
 * Resolves a bearer token to who is calling. Lookups are cached for at most
 * API_KEY_CACHE_MS (≤ 1 s), which bounds how long a revoked key still works on
 * any replica without a cross-replica invalidation channel.
 */
@Injectable()
export class AuthService {
  private readonly cache: LRUCache<string, Lookup>;

  constructor(
    private readonly keys: ApiKeyRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(1, config.API_KEY_CACHE_MS) });
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const found = await this.lookup(token);
    if (found.kind === 'unknown') throw new AppError('unauthorized', 'The API key is unknown or revoked.');
    return found;
  }

  private async lookup(token: string): Promise<Lookup> {
    if (sameSecret(token, this.config.ADMIN_API_KEY)) return { kind: 'admin' };
    if (!looksLikeApiKey(token)) return UNKNOWN;
    if (this.config.API_KEY_CACHE_MS > 0) {
      const cached = this.cache.get(token);
      if (cached) return cached;
    }
    const row = await this.keys.findActiveTenantByHash(hashApiKey(token));
    const result: Lookup = row ? { kind: 'tenant', ...row } : UNKNOWN;
    if (this.config.API_KEY_CACHE_MS > 0) this.cache.set(token, result);
    return result;
  }
}
