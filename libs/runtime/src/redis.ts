import { createClient, type RedisClientType } from '@redis/client';
import type pino from 'pino';

export type Redis = RedisClientType;

/**
 * A Redis client for a hot path: commands fail at once instead of queueing
 * while Redis is down (no offline queue), reconnection keeps trying in the
 * background so recovery needs no restart, and a ping notices a Redis that
 * stops answering without closing the socket. There is deliberately no
 * per-command timeout (`commandOptions.timeout` arms an AbortSignal per
 * command and builds a DOMException even for answered ones): bound commands
 * with a RedisDeadline instead. `purpose` names what degrades in the logs.
 */
export function createHotPathRedis(url: string, logger: pino.Logger, purpose: string): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: 5_000,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  }) as Redis;
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, `redis unavailable: ${purpose} degrade`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info(`redis back: ${purpose} resume`);
    down = false;
  });
  void client.connect().catch(() => undefined);
  return client;
}

/**
 * Ends a hot-path client at shutdown. Not `close()`: it waits for pending
 * replies, and a PING answered after it re-arms node-redis 5's ping timer on a
 * client that is closed but still "ready", which then pings itself every
 * interval forever and keeps the process (or a test runner) alive. By
 * shutdown the HTTP server has drained, so no reply is still wanted.
 */
export function shutDownRedis(client: Redis): void {
  if (client.isOpen) client.destroy();
}

/** After a timeout, Redis is skipped this long before the next command probes it again. */
const COOL_DOWN_MS = 1_000;

/** Shared instances: building an Error (and its stack) per command would cost more than the command. */
export const REDIS_TIMED_OUT = new Error('redis did not answer in time');
export const REDIS_UNAVAILABLE = new Error('redis is unavailable');

/**
 * Bounds every hot-path Redis command by one timeout. A timeout opens a short
 * circuit, so a hung Redis does not collect a queue of commands; the first
 * command after it probes Redis again. A closed connection is already visible
 * as `!isReady` and needs no circuit.
 */
export class RedisDeadline {
  private skipUntil = 0;

  constructor(
    readonly redis: Redis,
    private readonly timeoutMs: number,
  ) {}

  get available(): boolean {
    return this.redis.isReady && (this.skipUntil === 0 || Date.now() >= this.skipUntil);
  }

  /** Runs a command; rejects with REDIS_UNAVAILABLE or REDIS_TIMED_OUT instead of waiting. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.available) throw REDIS_UNAVAILABLE;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(REDIS_TIMED_OUT), this.timeoutMs);
    });
    try {
      const result = await Promise.race([command(this.redis), timeout]);
      this.skipUntil = 0;
      return result;
    } catch (error) {
      if (error === REDIS_TIMED_OUT) this.skipUntil = Date.now() + COOL_DOWN_MS;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
