import { budgetChanged } from '@ledgerline/contracts';
import { invalidateCaches, type NatsBus } from '@ledgerline/messaging';
import { randomUUID } from 'node:crypto';

/**
 * After a fixed line or provision changed: caches first (awaited, bounded), so
 * the writer's next read sees the change, then the event, saying whether the
 * caches confirmed (if not, the cache-gateways invalidate on the event).
 */
export async function announceBudgetChange(bus: NatsBus, tenantId: string, resource: 'fixed-line' | 'provision'): Promise<void> {
  const cachesInvalidated = await invalidateCaches(bus, tenantId);
  bus.publish(budgetChanged, { eventId: randomUUID(), tenantId, resource, occurredAt: new Date().toISOString(), cachesInvalidated });
}
