import type { EventOf, transactionsChanged } from '@ledgerline/contracts';
import { randomUUID } from 'node:crypto';

export type ChangeEvent = EventOf<typeof transactionsChanged>;

/** A committed change adding one VARIABLE Groceries row of `cents` to `month`, as ingestion publishes it. */
export function oneRowAdded(tenantId: string, version: string, month: string, cents: number, member: string | null = null): ChangeEvent {
  return {
    eventId: randomUUID(),
    tenantId,
    version,
    occurredAt: new Date().toISOString(),
    cause: 'ingested',
    months: [month],
    deltas: [
      {
        month,
        category: 'Groceries',
        subcategory: 'Other',
        expenseType: 'VARIABLE',
        member,
        excluded: false,
        addedCount: 1,
        addedCents: String(cents),
        addedMinCents: String(cents),
        addedMaxCents: String(cents),
        removedCount: 0,
        removedCents: '0',
      },
    ],
  };
}
