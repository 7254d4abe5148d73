import { z } from 'zod';
import { defineRequest, type RequestContract } from '../common/contract';
import { monthString, tenantId } from '../common/primitives';

/**
 * The cache-gateway answers exactly the upstream request on `cache.<subject>`,
 * from its caches when it can: same request schema, same reply. Callers switch
 * between cached and uncached reads by choosing the contract, nothing else.
 */
export function cachedRead<C extends RequestContract>(upstream: C): C {
  return { ...upstream, subject: `cache.${upstream.subject}` };
}

/**
 * What changed for a tenant: the given months' dashboard figures, or — when
 * `months` is absent — everything of the tenant (budget config, fixed lines,
 * provisions, which every month's summary uses).
 */
const invalidation = z.object({ tenantId, months: z.array(monthString).min(1).max(1200).optional() });

/**
 * Asked by the services that commit changes before they acknowledge the write,
 * so the writer's next read cannot be served from a stale cache entry. One
 * cache-gateway replica answers (queue group) once the shared versions moved.
 * The caller then publishes its own change event (rollups, budget, tenant
 * config), on which every cache drops its local view of the tenant: one
 * fan-out per change, not one for the caches and one for everybody else.
 */
export const invalidateCache = defineRequest<{ invalidated: true }>()('cache.invalidate.v1', invalidation);

/**
 * On a change event (rollups, budget, tenant config): true when the publisher's own
 * `cache.invalidate.v1` request was confirmed before it published, so the caches are
 * fresh already. Absent or false, the cache-gateways invalidate on the event (the backstop).
 */
export const cachesInvalidated = z.boolean().optional();

/** One api-gateway near-cache entry, as the consistency auditor samples it. */
export interface NearCacheEntry {
  /** The gateway replica holding it: re-asked there (`nearCacheEntryAt`) before a miss is reported. */
  replica: string;
  key: string;
  /** The upstream request it answers (the uncached contract's subject and payload). */
  subject: string;
  payload: unknown;
  version: string | null;
  encoding: 'identity' | 'gzip';
  /** The bytes served, base64. */
  body: string;
  /** When this replica stored the entry. */
  heldSinceMs: number;
  /** The trace of the request that stored it. */
  traceId: string | null;
}

/**
 * Asked by the cache-gateway's consistency auditor, within its own audit budget:
 * without a key, one api-gateway replica (queue group) answers with an entry of
 * its near-cache, the least recently audited of the recently used ones; with a
 * key, on `nearCacheEntryAt(replica)`, that replica answers with the entry it
 * now holds under the key (null when none). The gateway's hot path does no work for it.
 */
export const sampleNearCache = defineRequest<{ entry: NearCacheEntry | null }>()(
  'api-gateway.near-cache.sample.v1',
  z.object({ key: z.string().max(8_192).optional() }),
);

/** The same request, to the one replica that holds an entry. */
export const nearCacheEntryAt = (replica: string): typeof sampleNearCache => ({ ...sampleNearCache, subject: `${sampleNearCache.subject}.${replica}` });
