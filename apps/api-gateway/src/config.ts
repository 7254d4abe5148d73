import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv,
  ...databaseEnv,
  PORT: port(3000),
  ADMIN_API_KEY: z.string().min(8, 'must be at least 8 characters').default('dev-admin-key'),
  /** How long a key lookup is trusted in-process: the bound on revocation delay across replicas. */
  API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
  /** Largest CSV upload, in bytes (1,000,000 rows of ~100 bytes fit with room to spare). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(512 * 1_048_576),
  /** Near-cache of hot dashboard replies: bytes per replica, and a TTL that is only a safety net. */
  NEAR_CACHE_MAX_BYTES: z.coerce.number().int().min(0).default(32 * 1_048_576),
  NEAR_CACHE_TTL_MS: z.coerce.number().int().min(1).default(30_000),
});

export type GatewayConfig = z.output<typeof schema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(schema, env);
