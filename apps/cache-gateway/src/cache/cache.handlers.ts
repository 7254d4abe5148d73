import {
  AppError,
  budgetChanged,
  cachedRead,
  invalidateCache,
  rollupsChanged,
  tenantConfigChanged,
  type ParsedRequestOf,
  type RequestContract,
} from '@ledgerline/contracts';
import { NatsBus, serveFaultSwitch } from '@ledgerline/messaging';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type pino from 'pino';
import { faults, LOGGER, type Redis } from '@ledgerline/runtime';
import { REDIS } from '../tokens';
import { CacheVersions } from './cache-versions';
import { CACHED_READS, type CachedRead } from './cached-reads';
import { ReadThroughCache } from './read-through';

/**
 * Wires the cache to NATS: every cached read on `cache.<subject>`, the
 * invalidation request writers wait on, and the fan-out events.
 */
@Injectable()
export class CacheHandlers implements OnModuleInit {
  /** Set while Redis is unreachable: shared versions may miss bumps made meanwhile. */
  private redisWasDown = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly cache: ReadThroughCache,
    private readonly versions: CacheVersions,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {}

  onModuleInit(): void {
    for (const read of CACHED_READS) this.serve(read);
    // The consistency drill turns the skipped invalidation below on and off on one replica.
    serveFaultSwitch(this.bus, 'cache-gateway', this.logger);

    this.bus.serve(invalidateCache, async ({ tenantId, months }) => {
      if (faults.skips(invalidateCache.subject)) {
        // Drill: a lost invalidation, confirmed to the writer — what the consistency auditor exists to catch.
        this.logger.warn({ tenantId, months }, 'fault injected: invalidation skipped');
        return { invalidated: true as const };
      }
      // Not confirmed: the caller's change event then makes every replica try the shared bump again.
      if (!(await this.invalidate(tenantId, months))) {
        throw new AppError('service-unavailable', 'The shared cache versions could not be moved (Redis unreachable or slow).');
      }
      return { invalidated: true as const };
    });

    // Every change's owner publishes its event once the invalidation above answered (or failed): each replica
    // moves its own counters on it, and tries the shared bump again when the owner's request did not get through
    // (a confirmed one already moved the shared versions: bumping again would only cost readers a recompute).
    // Delivered ahead of any later request on this connection, so a reader released by the same event finds
    // its local view already dropped.
    const changed = async (event: { tenantId: string; cachesInvalidated?: boolean | undefined }, months?: readonly string[]) => {
      if (event.cachesInvalidated) this.versions.bumpLocal(event.tenantId, months);
      else await this.invalidate(event.tenantId, months);
    };
    this.bus.subscribe(rollupsChanged, (e) => changed(e, e.months));
    this.bus.subscribe(budgetChanged, (e) => changed(e));
    this.bus.subscribe(tenantConfigChanged, (e) => changed(e));

    this.redis.on('error', () => {
      this.redisWasDown = true;
    });
    this.redis.on('ready', () => {
      if (!this.redisWasDown) return;
      this.redisWasDown = false;
      // Bumps made while Redis was away exist only in local counters, and a
      // restarted Redis may have lost every version: local entries keyed by
      // shared versions can no longer be trusted.
      this.cache.clearLocal();
      this.logger.info('redis back: local cache cleared');
    });
  }

  private serve<C extends RequestContract>(read: CachedRead<C>): void {
    this.bus.serveRaw(cachedRead(read.upstream), (request: ParsedRequestOf<C>) => this.cache.read(read, request));
  }

  /** Moves this replica's versions and the shared ones; false when Redis did not confirm the shared bump. */
  private async invalidate(tenantId: string, months: readonly string[] | undefined): Promise<boolean> {
    this.versions.bumpLocal(tenantId, months);
    if (await this.versions.bumpShared(tenantId, months)) return true;
    this.logger.warn({ tenantId }, 'cache versions not shared: redis unreachable');
    return false;
  }
}
