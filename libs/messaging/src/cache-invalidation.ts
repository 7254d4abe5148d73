import { invalidateCache } from '@ledgerline/contracts';
import type { NatsBus } from './nats-bus';

/** Long enough for a Redis round trip under load, short enough not to hold a write. */
const INVALIDATE_TIMEOUT_MS = 500;

/**
 * Called by a service after it committed a change and before it acknowledges
 * it, so the writer's next read is not answered from a stale cache entry.
 * Bounded and never fatal to the write: the change is committed, its event
 * still reaches every cache-gateway, and cache entries expire regardless.
 * Returns whether the caches confirmed.
 */
export async function invalidateCaches(bus: NatsBus, tenantId: string, months?: readonly string[]): Promise<boolean> {
  try {
    await bus.request(invalidateCache, { tenantId, ...(months ? { months: [...months] } : {}) }, { timeoutMs: INVALIDATE_TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}
