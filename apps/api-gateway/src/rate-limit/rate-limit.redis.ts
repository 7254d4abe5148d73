import { createClient, type RedisClientType } from '@redis/client';
import { createHash } from 'node:crypto';
import type pino from 'pino';
import { GCRA_LUA, type GcraOutcome } from './gcra';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
export type Redis = RedisClientType;

/**
 * A Redis client for the hot path: commands fail at once instead of queueing
 * while Redis is down (no offline queue), each command has a timeout, and
 * reconnection keeps trying in the background so recovery needs no restart.
 */
export function createRateLimitRedis(url: string, commandTimeoutMs: number, logger: pino.Logger): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  }) as Redis;
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'rate-limit redis unavailable: per-replica fallback limits apply');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('rate-limit redis back: shared limits apply');
    down = false;
  });
  void client.connect().catch(() => undefined);
  return client;
}

const GCRA_SHA = createHash('sha1').update(GCRA_LUA).digest('hex');

/** The only code that talks to Redis for rate limits: one atomic GCRA step per request. */
export class RedisGcraStore {
  constructor(private readonly redis: Redis) {}

  get available(): boolean {
    return this.redis.isReady;
  }

  async step(key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
    const options = { keys: [key], arguments: [String(intervalUs), String(burst)] };
    let reply: unknown;
    try {
      reply = await this.redis.evalSha(GCRA_SHA, options);
    } catch (error) {
      // After a Redis restart the script cache is empty: load it by sending it once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await this.redis.eval(GCRA_LUA, options);
    }
    const [allowed, offset] = reply as [number, number];
    return { allowed: allowed === 1, tatOffsetUs: offset };
  }
}
