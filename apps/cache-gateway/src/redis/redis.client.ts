import { createClient, type RedisClientType } from '@redis/client';
import type pino from 'pino';

export const REDIS = Symbol('REDIS');
export type Redis = RedisClientType;

/**
 * A Redis client for the hot path: commands fail fast instead of queueing
 * while Redis is down, and reconnection keeps trying in the background.
 */
export function createRedis(url: string, commandTimeoutMs: number, logger: pino.Logger): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) },
  }) as Redis;
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'redis unavailable');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('redis back');
    down = false;
  });
  void client.connect().catch(() => undefined);
  return client;
}

export const redisReadiness = (redis: Redis) => ({ name: 'redis', check: async () => redis.isReady && (await redis.ping()) === 'PONG' });
