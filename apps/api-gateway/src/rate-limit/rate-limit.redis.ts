import { createClient, type RedisClientType } from '@redis/client';
import { createHash } from 'node:crypto';
import type pino from 'pino';
import { GCRA_LUA, type GcraOutcome } from './gcra';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
export type Redis = RedisClientType;

/**
 * A Redis client for the hot path: commands fail at once instead of queueing
 * while Redis is down (no offline queue), and reconnection keeps trying in the
 * background so recovery needs no restart. Command timeouts are RedisGcraStore's:
 * the client's own (`commandOptions.timeout`) arms an AbortSignal per command
 * that later fires and builds a DOMException even for answered commands.
 */
export function createRateLimitRedis(url: string, logger: pino.Logger): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // A Redis that stops answering without closing the socket is noticed by the ping too.
    pingInterval: 5_000,
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

/** After a timeout, Redis is skipped this long (requests are decided locally) before it is tried again. */
const COOL_DOWN_MS = 1_000;
/** One shared instance: building an Error (and its stack) per request would cost more than the check. */
const TIMED_OUT = new Error('redis did not answer in time');

/**
 * The only code that talks to Redis for rate limits: one atomic GCRA step per
 * request, bounded by a timeout; a timeout opens a short circuit so a hung
 * Redis does not collect a queue of commands, then the next request probes it.
 */
export class RedisGcraStore {
  private skipUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly timeoutMs: number,
  ) {}

  get available(): boolean {
    return this.redis.isReady && (this.skipUntil === 0 || Date.now() >= this.skipUntil);
  }

  async step(key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(TIMED_OUT), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.run(key, intervalUs, burst), timeout]);
      this.skipUntil = 0;
      return outcome;
    } catch (error) {
      // Only a slow Redis opens the circuit; a closed connection is already visible as !isReady.
      if (error === TIMED_OUT) this.skipUntil = Date.now() + COOL_DOWN_MS;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
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
