import { z } from 'zod';
import { defineEvent, defineRequest, type RequestContract } from '../common/contract';
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
 */
export const invalidateCache = defineRequest<{ invalidated: true }>()('cache.invalidate.v1', invalidation);

/**
 * On a change event (rollups, budget, tenant config): true when the publisher's own
 * `cache.invalidate.v1` request was confirmed before it published, so the caches are
 * fresh already. Absent or false, the cache-gateways invalidate on the event (the backstop).
 */
export const cachesInvalidated = z.boolean().optional();

/** Fan-out to every cache-gateway and api-gateway replica: drop local entries of these tenant-months. */
export const cacheInvalidated = defineEvent('events.cache.invalidated.v1', invalidation);
