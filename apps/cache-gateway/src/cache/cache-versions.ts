import { RedisDeadline } from '@ledgerline/runtime';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

/** What a cached reply depends on: months of one tenant, plus everything tenant-wide. */
export interface CacheScope {
  tenantId: string;
  months: readonly string[];
}

/** The tenant-wide field: bumped by budget and config changes, part of every key. */
const TENANT_WIDE = 'all';
const versionsKey = (tenantId: string) => `ll:cache:ver:${tenantId}`;

/**
 * A bump is on a writer's path, not a reader's: it may wait longer than a read
 * (REDIS_COMMAND_TIMEOUT_MS), and a read that timed out must not make the next
 * bump skip Redis. A bump lost that way would leave other replicas serving the
 * old version to a writer who was told the caches are fresh.
 */
const BUMP_TIMEOUT_MS = 400;

/**
 * Version counters per tenant-month. A cache key embeds the versions of what
 * the reply depends on, so bumping a version invalidates every view of that
 * month at once (O(1)), in every replica and in Redis, without finding keys.
 *
 * Redis holds the shared counters, read on every request (one HMGET) so all
 * replicas agree the moment a bump returns. When Redis is unreachable each
 * replica falls back to its own counters, moved by the fan-out events it
 * receives; keys built from them are prefixed by this process's id so they
 * never meet shared keys.
 */
@Injectable()
export class CacheVersions {
  private readonly replica = randomUUID().slice(0, 8);
  private readonly local = new Map<string, Map<string, number>>();
  /** Its own deadline and circuit, apart from the reads' (see BUMP_TIMEOUT_MS). */
  private readonly bumps: RedisDeadline;

  constructor(private readonly redis: RedisDeadline) {
    this.bumps = new RedisDeadline(redis.redis, BUMP_TIMEOUT_MS);
  }

  /** The version part of a cache key, and whether it is shared (Redis) or this replica's own. */
  async token(scope: CacheScope): Promise<{ token: string; shared: boolean }> {
    const fields = [TENANT_WIDE, ...scope.months];
    try {
      const values = await this.redis.run((r) => r.hmGet(versionsKey(scope.tenantId), fields));
      return { token: `s:${values.map((v) => v ?? '0').join('.')}`, shared: true };
    } catch {
      // Unreachable, timed out or disconnected mid-command: this replica's own counters.
    }
    const counters = this.local.get(scope.tenantId);
    return { token: `l${this.replica}:${fields.map((f) => counters?.get(f) ?? 0).join('.')}`, shared: false };
  }

  /** Bumps the shared versions; returns false when Redis could not be reached. */
  async bumpShared(tenantId: string, months: readonly string[] | undefined): Promise<boolean> {
    try {
      await this.bumps.run((r) => {
        const tx = r.multi();
        for (const field of months ?? [TENANT_WIDE]) tx.hIncrBy(versionsKey(tenantId), field, 1);
        return tx.exec();
      });
      return true;
    } catch {
      return false;
    }
  }

  bumpLocal(tenantId: string, months: readonly string[] | undefined): void {
    let counters = this.local.get(tenantId);
    if (!counters) this.local.set(tenantId, (counters = new Map()));
    for (const field of months ?? [TENANT_WIDE]) counters.set(field, (counters.get(field) ?? 0) + 1);
  }
}
