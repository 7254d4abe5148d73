import { loadConfig, millis, port, redisEnv, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv,
  ...redisEnv,
  PORT: port(3004),
  /**
   * A read's Redis commands give up after this; then Redis is skipped for 1 s (local versions, no shared
   * single-flight). 50 ms tripped on a busy 2-core host under a burst of readers and cost extra recomputes
   * (bench:cache: 2-3 instead of 1) and extra misses; a hung Redis costs one read this long.
   */
  REDIS_COMMAND_TIMEOUT_MS: millis(150),
  /** L1 (in-process LRU) budget in bytes of stored replies. */
  CACHE_L1_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  /** Safety net only: entries are invalidated by events long before this. */
  CACHE_TTL_MS: millis(300_000),
  /** Replies larger than this are stored gzipped (and forwarded gzipped to clients that accept it). */
  CACHE_COMPRESS_MIN_BYTES: z.coerce.number().int().min(0).default(1024),
  /** How long one replica may hold the right to recompute a missing entry before others give up waiting. */
  CACHE_LEASE_MS: millis(2_000),
  /**
   * How long a replica waits for another replica's recompute before doing it itself: as long as that
   * replica's lease lasts, so a slow recompute (a burst of readers on a busy host took over 1 s) is not
   * repeated, while a dead one holds readers up for no longer than its lease.
   */
  CACHE_LEASE_WAIT_MS: millis(2_000),
  /**
   * Consistency audits per second at most (one at a time; every other one of an api-gateway near-cache
   * entry); 0 turns the auditor off. An audit recomputes the answer from the source: about 7 ms of the
   * stack's CPU for a summary, half of them near-cache entries (bench/slo.ts), so 1/s is about 1.1 % of
   * the stack's CPU under the bench's light load (0.7 core), less under more load.
   */
  CACHE_AUDIT_PER_SECOND: z.coerce.number().min(0).max(1_000).default(1),
  /** A miss is asked again after this before it is reported: a change commits before the caches hear of it. */
  CACHE_AUDIT_GRACE_MS: millis(1_000),
  /** Recently served keys the auditor samples from. */
  CACHE_AUDIT_SAMPLE_KEYS: z.coerce.number().int().min(1).max(100_000).default(256),
  /** Tenants with a label of their own on the freshness histogram (the rest are "other"). */
  FRESHNESS_TOP_TENANTS: z.coerce.number().int().min(0).max(100).default(10),
  /** How often freshness samples are sent to the monitoring service. */
  FRESHNESS_FLUSH_MS: millis(1_000),
});

export type CacheGatewayConfig = z.output<typeof schema>;

export const loadCacheGatewayConfig = (env: NodeJS.ProcessEnv = process.env): CacheGatewayConfig => loadConfig(schema, env);
