import { z } from 'zod';
import { defineEvent, defineRequest } from '../common/contract';
import { monthString, tenantId, uuidString } from '../common/primitives';
import { versionString, type Version } from '../common/version';
import { memberIdSchema } from '../tenant/tenant-config.schema';
import { transactionSearchQuerySchema, type TransactionPage } from './search.schema';
import { EXPENSE_TYPES, MAX_BATCH_ROWS, transactionPatchSchema, type Transaction, type TransactionInput } from './transaction.schema';

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** false when the rows are committed but the dashboards could not be updated yet (they catch up). */
  applied: boolean;
  /** The tenant's version once this write committed (the consistency token). */
  version: Version;
}

/** What every write reply carries besides its own fields. */
export interface WriteOutcome {
  applied: boolean;
  version: Version;
}

/**
 * A write as its owner answers it: committed, at `version`. Whether the
 * dashboards reflect it yet (`applied`) is the caller's to learn from the
 * tenant's watermark, so the owner is free as soon as it committed.
 */
export type Committed<T extends WriteOutcome> = Omit<T, 'applied'>;

/**
 * How many of the tenant's transactions name each of these members: a member
 * still named cannot be removed from the tenant (provisions asks before a PATCH).
 */
export const countMemberTransactions = defineRequest<{ counts: Record<string, number> }>()(
  'ingestion.transactions.count-by-member.v1',
  z.object({ tenantId, members: z.array(memberIdSchema).min(1).max(8) }),
);

/**
 * Rows the sender already validated against `transactionBatchSchema` (the gateway does, listing every field
 * error before the hop), carried as its output type: ingestion stores them without validating them a second
 * time, which cost a 1,000-row batch as much CPU as the gateway's own check (issue 14). Only the envelope is
 * checked here; a row that is not what the type says fails its insert, never commits part of a batch.
 */
const validatedTransaction = z.custom<TransactionInput>((row) => typeof row === 'object' && row !== null && !Array.isArray(row), {
  error: 'must be a validated transaction',
});

export const ingestTransactions = defineRequest<Committed<IngestResult>>()(
  'ingestion.transactions.ingest.v1',
  z.object({ tenantId, batch: z.object({ transactions: z.array(validatedTransaction).min(1).max(MAX_BATCH_ROWS) }) }),
);

export const updateTransaction = defineRequest<Committed<Transaction & WriteOutcome>>()(
  'ingestion.transactions.update.v1',
  z.object({ tenantId, id: uuidString, patch: transactionPatchSchema }),
);

export const deleteTransaction = defineRequest<Committed<{ deleted: true } & WriteOutcome>>()(
  'ingestion.transactions.delete.v1',
  z.object({ tenantId, id: uuidString }),
);

const centsText = z.string().regex(/^-?\d+$/);

/**
 * Per rollup key, what a committed change did: rows added (count, sum, min,
 * max of their amounts) and rows taken away (count and sum; their min/max are
 * unknown to the consumer, which must recompute that key's extremes).
 */
export const transactionDeltaSchema = z.object({
  month: monthString,
  category: z.string(),
  subcategory: z.string(),
  expenseType: z.enum(EXPENSE_TYPES),
  member: z.string().nullable(),
  excluded: z.boolean(),
  addedCount: z.number().int().min(0),
  addedCents: centsText,
  addedMinCents: centsText.nullable(),
  addedMaxCents: centsText.nullable(),
  removedCount: z.number().int().min(0),
  removedCents: centsText,
});

export type TransactionDelta = z.output<typeof transactionDeltaSchema>;

/**
 * Durable event on JetStream stream TRANSACTIONS, published through the
 * ingestion outbox with Nats-Msg-Id = eventId. `version` numbers a tenant's
 * changes 1, 2, 3… in commit order, without gaps. Contract for consumers:
 * delivery is at least once and may reorder on redelivery, so apply a
 * tenant's changes in version order, each once (a version at or below what
 * was applied is a duplicate).
 */
export const transactionsChanged = defineEvent(
  'events.transactions.changed.v1',
  z.object({
    eventId: uuidString,
    tenantId,
    version: versionString,
    occurredAt: z.string(),
    cause: z.enum(['ingested', 'imported', 'updated', 'deleted']),
    months: z.array(monthString),
    deltas: z.array(transactionDeltaSchema),
  }),
);

export const TRANSACTIONS_STREAM = { name: 'TRANSACTIONS', subjects: ['events.transactions.>'] } as const;

/** A page of the tenant's transactions matching every filter given, newest first by (date, id). */
export const searchTransactions = defineRequest<TransactionPage>()(
  'ingestion.transactions.search.v1',
  z.object({ tenantId, query: transactionSearchQuerySchema }),
);
