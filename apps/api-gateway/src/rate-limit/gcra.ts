/**
 * GCRA (generic cell rate algorithm): one timestamp per bucket, the
 * "theoretical arrival time" (TAT). Unlike a fixed window it never admits a
 * double burst at a window edge, and unlike a sliding log it stores one number.
 * All times are integer microseconds so Redis (Lua doubles) and Node agree exactly.
 */
export interface RateLimit {
  /** Requests earned per period. */
  count: number;
  periodMs: number;
  /** Requests that may arrive at once on a fresh bucket. */
  burst: number;
}

/** Microseconds between two earned requests (the emission interval), rounded to a whole microsecond. */
export const emissionIntervalUs = (limit: RateLimit): number => Math.max(1, Math.round((limit.periodMs * 1_000) / limit.count));

/** What one admission attempt decided; `tatOffsetUs` is the bucket's TAT minus now after the attempt. */
export interface GcraOutcome {
  allowed: boolean;
  tatOffsetUs: number;
}

/** Pure GCRA step: the new TAT to store (undefined when rejected: a rejection costs nothing). */
export function gcraStep(tatUs: number | undefined, nowUs: number, intervalUs: number, burst: number): GcraOutcome & { newTatUs?: number } {
  const tat = tatUs === undefined || tatUs < nowUs ? nowUs : tatUs;
  const newTat = tat + intervalUs;
  if (newTat - burst * intervalUs > nowUs) return { allowed: false, tatOffsetUs: tat - nowUs };
  return { allowed: true, tatOffsetUs: newTat - nowUs, newTatUs: newTat };
}

/**
 * Takes one admission back: the TAT moves back by one interval, never below
 * now (a TAT in the past means a full bucket either way), so the bucket is
 * exactly as if the refunded request had never been admitted.
 */
export function gcraRefund(tatUs: number | undefined, nowUs: number, intervalUs: number): number | undefined {
  if (tatUs === undefined) return undefined;
  const tat = tatUs - intervalUs;
  return tat > nowUs ? tat : undefined;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The quota the client sees (burst). */
  limit: number;
  remaining: number;
  /** Seconds until the whole quota is available again. */
  resetSeconds: number;
  /** Seconds to wait before retrying (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds it takes to earn the whole quota back from empty: the policy's window. */
  windowSeconds: number;
}

/** Turns a GCRA outcome into the figures the response headers carry. */
export function decide(outcome: GcraOutcome, intervalUs: number, burst: number): RateLimitDecision {
  const offset = Math.max(0, outcome.tatOffsetUs);
  const capacityUs = burst * intervalUs;
  const remaining = outcome.allowed ? Math.max(0, Math.floor((capacityUs - offset) / intervalUs)) : 0;
  const retryUs = outcome.allowed ? 0 : Math.max(0, offset + intervalUs - capacityUs);
  return {
    allowed: outcome.allowed,
    limit: burst,
    remaining,
    resetSeconds: Math.ceil(offset / 1e6),
    // A rejected client must wait at least a second: Retry-After has no finer unit.
    retryAfterSeconds: outcome.allowed ? 0 : Math.max(1, Math.ceil(retryUs / 1e6)),
    windowSeconds: Math.max(1, Math.ceil(capacityUs / 1e6)),
  };
}

/**
 * The same step in Redis, on Redis's clock (replicas' clocks may disagree),
 * for a batch of admissions: KEYS[i] bucket; ARGV[2i-1] emission interval µs,
 * ARGV[2i] burst. Steps run in order, each exactly as if alone (a key that
 * appears twice sees its first step's effect). Returns {allowed 0|1,
 * TAT − now in µs} per step, flattened. Effects replication (Redis ≥ 5)
 * allows TIME before a write. All keys in one call: one Redis primary (a
 * Redis Cluster would need the keys in one hash slot).
 */
export const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]))
  if tat == nil or tat < now then tat = now end
  local newTat = tat + interval
  if newTat - burst * interval > now then
    out[2 * i - 1] = 0
    out[2 * i] = tat - now
  else
    redis.call('SET', KEYS[i], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1000)
    out[2 * i - 1] = 1
    out[2 * i] = newTat - now
  end
end
return out
`;

/** gcraRefund in Redis. KEYS[1] bucket; ARGV[1] emission interval µs. */
export const GCRA_REFUND_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil then return 0 end
local newTat = tat - tonumber(ARGV[1])
if newTat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1000)
end
return 1
`;
