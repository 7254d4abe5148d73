import { RedisDeadline, type Redis } from '@ledgerline/runtime';
import { createHash } from 'node:crypto';
import { GCRA_LUA, type GcraOutcome } from './gcra';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
export type { Redis } from '@ledgerline/runtime';

const GCRA_SHA = createHash('sha1').update(GCRA_LUA).digest('hex');

/**
 * The only code that talks to Redis for rate limits: one atomic GCRA step per
 * request, bounded by a timeout; a timeout opens a short circuit so a hung
 * Redis does not collect a queue of commands, then the next request probes it.
 */
export class RedisGcraStore {
  private readonly deadline: RedisDeadline;

  constructor(redis: Redis, timeoutMs: number) {
    this.deadline = new RedisDeadline(redis, timeoutMs);
  }

  get available(): boolean {
    return this.deadline.available;
  }

  step(key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
    return this.deadline.run((redis) => this.run(redis, key, intervalUs, burst));
  }

  private async run(redis: Redis, key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
    const options = { keys: [key], arguments: [String(intervalUs), String(burst)] };
    let reply: unknown;
    try {
      reply = await redis.evalSha(GCRA_SHA, options);
    } catch (error) {
      // After a Redis restart the script cache is empty: load it by sending it once.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await redis.eval(GCRA_LUA, options);
    }
    const [allowed, offset] = reply as [number, number];
    return { allowed: allowed === 1, tatOffsetUs: offset };
  }
}
