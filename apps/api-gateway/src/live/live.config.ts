import { loadConfig, millis } from '@ledgerline/runtime';
import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Live streams' settings, read once at boot beside the gateway's own config
 * (kept here so the streaming code stays out of the request path's files).
 */
const schema = z.object({
  ADMIN_API_KEY: z.string().default('dev-admin-key'),
  /** Open streams (SSE and WebSocket together) per API key, across replicas while Redis answers. */
  LIVE_MAX_STREAMS_PER_KEY: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** A comment line on every idle stream this often, so proxies and clients see it alive. */
  LIVE_HEARTBEAT_MS: millis(15_000),
  /** At most one update per view per this interval (always the latest figures). */
  LIVE_COALESCE_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  /** How long a stream token from POST /v1/dashboard/live-tokens is valid. */
  LIVE_TOKEN_TTL_MS: millis(60_000),
  /**
   * Signs stream tokens; every replica must share it. Empty: derived from
   * ADMIN_API_KEY, which every replica of a deployment already shares.
   */
  LIVE_TOKEN_SECRET: z.string().default(''),
});

export type LiveConfig = Omit<z.output<typeof schema>, 'ADMIN_API_KEY' | 'LIVE_TOKEN_SECRET'> & { tokenSecret: Buffer };

export function loadLiveConfig(env: NodeJS.ProcessEnv = process.env): LiveConfig {
  const { ADMIN_API_KEY, LIVE_TOKEN_SECRET, ...rest } = loadConfig(schema, env);
  const tokenSecret = createHash('sha256')
    .update(LIVE_TOKEN_SECRET || `ledgerline live tokens\n${ADMIN_API_KEY}`)
    .digest();
  return { ...rest, tokenSecret };
}
