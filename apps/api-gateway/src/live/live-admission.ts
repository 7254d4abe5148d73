import { AppError, liveQuerySchema, parseOrThrow, versionString, type LiveQuery } from '@ledgerline/contracts';
import { growingLru, RedisDeadline, type Redis } from '@ledgerline/runtime';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import { LIVE_CONFIG, LIVE_REDIS } from '../tokens';
import { bearerToken } from '../auth/api-key';
import { AuthService } from '../auth/auth.service';
import { RateLimiter } from '../rate-limit/rate-limiter.service';
import type { ChargedRequest } from '../rate-limit/refund-server-failures';
import type { LiveConfig } from './live.config';
import { LiveHub } from './live-hub';
import { streamsRefused } from './live.metrics';
import { verifyLiveToken } from './live-token';
import { StreamLimit } from './stream-limit';

/** Who opens a stream, on what, and the quota slot it holds until it ends. */
export interface Admitted {
  tenantId: string;
  keyId: string;
  streamId: string;
  query: LiveQuery;
  /** From `Last-Event-ID`: the version the client already has. */
  resumeFrom: bigint | undefined;
}

/** How long after a refused stream a client should try again. */
const RETRY_AFTER_S = 5;

/**
 * Admits a live stream the way every route is admitted — key (or stream
 * token), tenant, read rate limit, validated query, problem+json on refusal —
 * plus the per-key open-stream limit, and reads the first figures before
 * the stream starts (a failure is then still an HTTP error, not a broken stream).
 */
@Injectable()
export class LiveAdmission implements OnModuleDestroy {
  readonly limit: StreamLimit;
  private readonly tokenUses: RedisDeadline;
  /** Used tokens when Redis does not answer (single use per replica then). */
  private readonly usedHere: LRUCache<string, true>;

  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly hub: LiveHub,
    @Inject(LIVE_CONFIG) private readonly config: LiveConfig,
    @Inject(LIVE_REDIS) redis: Redis,
  ) {
    this.limit = new StreamLimit(redis, config.LIVE_MAX_STREAMS_PER_KEY);
    this.tokenUses = new RedisDeadline(redis, 200);
    this.usedHere = growingLru(100_000, { ttl: config.LIVE_TOKEN_TTL_MS });
  }

  async admit(request: FastifyRequest, reply: FastifyReply): Promise<Admitted> {
    if (this.hub.isClosing) throw new AppError('service-unavailable', 'This replica is shutting down; reconnect.');
    const query = parseOrThrow(liveQuerySchema, request.query, 'query');
    const resumeFrom = lastEventId(request.headers['last-event-id']);
    const { tenantId, keyId } = query.token ? await this.fromToken(query.token) : await this.fromKey(request);
    (request as ChargedRequest).rateCharge = await this.limiter.enforce(
      'reads',
      `key:${keyId}`,
      (headers) => void reply.headers(headers),
      tenantId,
    );
    const streamId = randomUUID();
    if (!(await this.limit.acquire(keyId, streamId))) {
      streamsRefused.inc({ reason: 'too-many-streams' });
      void reply.header('Retry-After', String(RETRY_AFTER_S));
      throw new AppError(
        'rate-limited',
        `At most ${this.config.LIVE_MAX_STREAMS_PER_KEY} live streams may be open per API key; close one first.`,
      );
    }
    try {
      await this.hub.prepare(tenantId, query.month, query.views);
    } catch (error) {
      this.limit.release(keyId, streamId);
      throw error;
    }
    return { tenantId, keyId, streamId, query, resumeFrom };
  }

  onModuleDestroy(): void {
    this.limit.close();
  }

  private async fromKey(request: FastifyRequest): Promise<{ tenantId: string; keyId: string }> {
    const principal = await this.auth.authenticate(bearerToken(request.headers.authorization));
    if (principal.kind !== 'tenant') throw new AppError('forbidden', 'This route needs a tenant API key.');
    return principal;
  }

  private async fromToken(token: string): Promise<{ tenantId: string; keyId: string }> {
    const claims = verifyLiveToken(this.config.tokenSecret, token, Date.now());
    if (!claims || this.hub.isRevoked(claims.keyId)) {
      streamsRefused.inc({ reason: 'bad-token' });
      throw new AppError('unauthorized', 'The stream token is invalid or expired; ask POST /v1/dashboard/live-tokens for a new one.');
    }
    if (!(await this.firstUse(claims.nonce, claims.expiresAtMs))) {
      streamsRefused.inc({ reason: 'bad-token' });
      throw new AppError('unauthorized', 'The stream token was used already; each opens one stream.');
    }
    return claims;
  }

  /** Marks the token used, in Redis so it holds on every replica; true only the first time. */
  private async firstUse(nonce: string, expiresAtMs: number): Promise<boolean> {
    if (this.usedHere.has(nonce)) return false;
    this.usedHere.set(nonce, true);
    const ttl = Math.max(1, expiresAtMs - Date.now());
    try {
      const set = await this.tokenUses.run((redis) => redis.set(`live:token:${nonce}`, '1', { NX: true, PX: ttl }));
      return set === 'OK';
    } catch {
      return true;
    }
  }
}

function lastEventId(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined || header === '') return undefined;
  const parsed = versionString.safeParse(header);
  if (!parsed.success) {
    throw new AppError('malformed-request', 'Last-Event-ID must be the id of an event this stream sent.', [
      { field: 'Last-Event-ID', message: 'must be a version sent as an event id' },
    ]);
  }
  return BigInt(parsed.data);
}
