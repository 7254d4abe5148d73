import { RedisDeadline, type Redis } from '@ledgerline/runtime';

/** A stream's hold on its key's quota expires unless its replica renews it: a crashed replica's streams free themselves. */
export const LEASE_MS = 30_000;
const RENEW_EVERY_MS = LEASE_MS / 3;
const REDIS_TIMEOUT_MS = 200;
/** Renewing thousands of leases is one pipeline: it gets longer than a single admission. */
const RENEW_TIMEOUT_MS = 2_000;

/** Drops expired holds, then takes one if fewer than the limit are held. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

const redisKey = (keyId: string) => `live:streams:${keyId}`;

/**
 * At most `limit` open streams per API key. Held in Redis (a sorted set of
 * stream ids by lease expiry per key), so the limit holds across replicas;
 * while Redis does not answer, each replica counts its own streams only (a
 * client may then hold up to the limit per replica — degraded, not closed).
 */
export class StreamLimit {
  private readonly deadline: RedisDeadline;
  private readonly renewDeadline: RedisDeadline;
  /** This replica's streams per key, and whether Redis holds each. */
  private readonly local = new Map<string, Map<string, boolean>>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    redis: Redis,
    private readonly limit: number,
  ) {
    this.deadline = new RedisDeadline(redis, REDIS_TIMEOUT_MS);
    this.renewDeadline = new RedisDeadline(redis, RENEW_TIMEOUT_MS);
    this.renewal = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.renewal.unref();
  }

  /** Takes one of the key's stream slots for `streamId`; false when the key already holds `limit`. */
  async acquire(keyId: string, streamId: string): Promise<boolean> {
    const mine = this.local.get(keyId) ?? new Map<string, boolean>();
    let shared: boolean;
    try {
      const now = Date.now();
      const taken = await this.deadline.run((redis) =>
        redis.eval(ACQUIRE, {
          keys: [redisKey(keyId)],
          arguments: [String(now), String(now + LEASE_MS), String(this.limit), streamId, String(LEASE_MS * 2)],
        }),
      );
      if (taken !== 1) return false;
      shared = true;
    } catch {
      if (mine.size >= this.limit) return false;
      shared = false;
    }
    mine.set(streamId, shared);
    this.local.set(keyId, mine);
    return true;
  }

  release(keyId: string, streamId: string): void {
    const mine = this.local.get(keyId);
    const shared = mine?.get(streamId);
    mine?.delete(streamId);
    if (mine?.size === 0) this.local.delete(keyId);
    if (shared) void this.deadline.run((redis) => redis.zRem(redisKey(keyId), streamId)).catch(() => undefined);
  }

  close(): void {
    clearInterval(this.renewal);
  }

  /** Extends the leases of this replica's streams (one pipelined round trip for all of them). */
  private async renew(): Promise<void> {
    if (this.local.size === 0 || !this.renewDeadline.available) return;
    const expiry = Date.now() + LEASE_MS;
    await this.renewDeadline
      .run(async (redis) => {
        const batch = redis.multi();
        for (const [keyId, streams] of this.local) {
          for (const [streamId, shared] of streams) if (shared) batch.zAdd(redisKey(keyId), { score: expiry, value: streamId });
          batch.pExpire(redisKey(keyId), LEASE_MS * 2);
        }
        return batch.execAsPipeline();
      })
      .catch(() => undefined);
  }
}
