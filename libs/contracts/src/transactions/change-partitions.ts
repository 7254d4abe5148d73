import { transactionsChanged } from './transaction.contracts';

/**
 * How many partitions a tenant's change events are spread over, shared by ingestion (which publishes on
 * a partition's subject) and aggregation (one durable consumer per partition, each owned by one replica at a
 * time). Changing it moves tenants between partitions: drain the stream first (see README, change path).
 */
export const CHANGE_PARTITIONS = 16;

/** FNV-1a (32 bit) over the string's UTF-16 code units: stable across processes, releases and platforms. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The partition of a tenant's change events, 0 ≤ p < `partitions`. Tenant ids are lower-case UUIDs. */
export function changePartition(tenantId: string, partitions: number = CHANGE_PARTITIONS): number {
  return fnv1a32(tenantId.toLowerCase()) % partitions;
}

/** `events.transactions.changed.v1.p<k>`: partition k's subject, inside the TRANSACTIONS stream's `events.transactions.>`. */
export function changePartitionSubject(partition: number): string {
  return `${transactionsChanged.subject}.p${partition}`;
}

/** The subject a tenant's change events are published on. */
export function changeSubjectOf(tenantId: string): string {
  return changePartitionSubject(changePartition(tenantId));
}

/** Every partition's change events, for core-NATS subscribers that want them all (freshness). */
export const CHANGE_PARTITION_SUBJECTS = `${transactionsChanged.subject}.*`;

/**
 * The subject changes were published on before partitioning: entries written by an older ingestion (still in
 * an outbox or the stream at an upgrade) carry it, and aggregation keeps consuming it.
 */
export const LEGACY_CHANGE_SUBJECT = transactionsChanged.subject;
