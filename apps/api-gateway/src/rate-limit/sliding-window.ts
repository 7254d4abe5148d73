import type { RateLimitDecision } from './gcra';

/**
 * A sliding-window log: the times of the admissions inside the last window.
 * Unlike GCRA (which earns quota back continuously, so "5 per minute" let a
 * burst of 5 and then one more every 12 s through: 9 in 55 s), it holds "at
 * most N in any rolling window" exactly. It stores one entry per admission,
 * so it is kept for the low-volume class that needs that promise: imports.
 * All times are integer microseconds (Redis's clock in Redis).
 */
export interface WindowOutcome {
  allowed: boolean;
  /** Admissions in the window after this attempt. */
  count: number;
  /** Until the oldest admission leaves the window (a rejected client may retry then). */
  oldestExpiresInUs: number;
  /** Until the newest admission leaves the window (the whole quota is back then). */
  newestExpiresInUs: number;
}

/** Pure step over a sorted log of admission times; mutates the log (drops expired entries, appends when admitted). */
export function windowStep(log: number[], nowUs: number, windowUs: number, limit: number): WindowOutcome {
  while (log.length > 0 && (log[0] as number) <= nowUs - windowUs) log.shift();
  const allowed = log.length < limit;
  if (allowed) log.push(nowUs);
  const oldest = log[0] ?? nowUs;
  const newest = log[log.length - 1] ?? nowUs;
  return { allowed, count: log.length, oldestExpiresInUs: oldest + windowUs - nowUs, newestExpiresInUs: newest + windowUs - nowUs };
}

export function decideWindow(outcome: WindowOutcome, windowUs: number, limit: number): RateLimitDecision {
  return {
    allowed: outcome.allowed,
    limit,
    remaining: Math.max(0, limit - outcome.count),
    resetSeconds: outcome.count === 0 ? 0 : Math.ceil(Math.max(0, outcome.newestExpiresInUs) / 1e6),
    retryAfterSeconds: outcome.allowed ? 0 : Math.max(1, Math.ceil(outcome.oldestExpiresInUs / 1e6)),
    windowSeconds: Math.max(1, Math.ceil(windowUs / 1e6)),
  };
}

/**
 * The same step in Redis, atomically, on Redis's clock: a sorted set scored by
 * admission time (µs < 2^53, exact in a double). KEYS[1] log; ARGV[1] window µs;
 * ARGV[2] limit; ARGV[3] a unique member for this admission (so it can be refunded).
 * Returns {allowed 0|1, count, oldest expires in µs, newest expires in µs}.
 */
export const WINDOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local o = now
local n = now
if oldest[2] then o = tonumber(oldest[2]) end
if newest[2] then n = tonumber(newest[2]) end
return {allowed, count, o + window - now, n + window - now}
`;

/** Takes one admission back out of the log (a request that failed on the server's side). */
export const WINDOW_REFUND_LUA = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
