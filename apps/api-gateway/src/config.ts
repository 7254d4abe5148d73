import { databaseEnv, loadConfig, millis, port, redisEnv, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';
import { trustedProxies } from './http/client-ip';
import { rateLimitString } from './rate-limit/duration';

const commaList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const tenantLimits = z.object({
  reads: rateLimitString.optional(),
  writes: rateLimitString.optional(),
  imports: rateLimitString.optional(),
});

const schema = z.object({
  ...serviceEnv,
  ...databaseEnv,
  ...redisEnv,
  PORT: port(3000),
  ADMIN_API_KEY: z.string().min(8, 'must be at least 8 characters').default('dev-admin-key'),
  /** How long a key lookup is trusted in-process: the bound on revocation delay when a NATS revocation event is lost. */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
  /** How long a write's reply waits for the dashboards to reflect it before it says `applied: false`. */
  APPLY_TIMEOUT_MS: millis(2_000),
  /** Largest CSV upload, in bytes (1,000,000 rows of ~100 bytes fit with room to spare). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(512 * 1_048_576),
  /** Largest JSON body on POST /v1/transactions: 10,000 rows with 500-character labels. */
  BATCH_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(32 * 1_048_576),
  /** Largest JSON body on every other route. */
  JSON_BODY_LIMIT_BYTES: z.coerce.number().int().min(1).default(1_048_576),
  /** Per key and route class, `count/period[,burst]`; shared by every replica through Redis. */
  RATE_LIMIT_READS: rateLimitString.default({ count: 200, periodMs: 1_000, burst: 400 }),
  RATE_LIMIT_WRITES: rateLimitString.default({ count: 50, periodMs: 1_000, burst: 100 }),
  RATE_LIMIT_IMPORTS: rateLimitString.default({ count: 5, periodMs: 60_000, burst: 5 }),
  /** Per client IP, for requests without a valid key (slows key guessing). */
  RATE_LIMIT_ANONYMOUS: rateLimitString.default({ count: 20, periodMs: 1_000, burst: 40 }),
  /** JSON object: tenant id → { reads?, writes?, imports? } in the same syntax, overriding the defaults. */
  RATE_LIMIT_TENANT_OVERRIDES: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.uuid(), tenantLimits)),
  /**
   * While Redis is unreachable each replica enforces limit ÷ the live replica
   * count (heard over NATS, see ReplicaPresence), so the fleet stays near the
   * configured limit (neither open nor closed). This many replicas are assumed
   * until a presence round has been heard, or while NATS is silent too.
   */
  RATE_LIMIT_FALLBACK_REPLICAS: z.coerce.number().int().min(1).max(1_000).default(1),
  /** How often each replica announces itself; a replica unheard for 3 intervals is no longer counted. */
  RATE_LIMIT_PRESENCE_INTERVAL_MS: millis(2_000),
  /** Redis command timeout on the rate-limit path; past it the request is decided locally. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: millis(100),
  /** Peers (IPs or CIDRs) whose X-Forwarded-For is believed; empty: the socket peer is the client. */
  TRUSTED_PROXIES: commaList.transform((entries, ctx) => {
    try {
      return { entries, list: trustedProxies(entries) };
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
  /** Browser origins allowed by CORS (`*` for any); empty disables CORS. */
  CORS_ORIGINS: commaList,
  /** Near-cache of hot dashboard replies: bytes per replica, and a TTL that is only a safety net. */
  NEAR_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(32 * 1_048_576),
  NEAR_CACHE_TTL_MS: z.coerce.number().int().min(1).default(30_000),
  /** Tenants with a label of their own on the near-cache freshness histogram (the rest are "other"). */
  FRESHNESS_TOP_TENANTS: z.coerce.number().int().min(0).max(100).default(10),
  /** How often near-cache freshness samples are sent to the monitoring service. */
  FRESHNESS_FLUSH_MS: millis(1_000),
});

export type GatewayConfig = z.output<typeof schema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(schema, env);
