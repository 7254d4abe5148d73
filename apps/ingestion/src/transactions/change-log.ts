import { changeSubjectOf, transactionsChanged, type EventOf, type TransactionDelta, type Version } from '@ledgerline/contracts';
import { Watermarks } from '@ledgerline/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { INGESTION_CONFIG } from '../tokens';
import type { IngestionConfig } from '../config';
import type { OutboxEntry } from '../outbox/outbox.repository';
import { OutboxRelay } from '../outbox/outbox.relay';
import { computeDeltas, monthsOf } from './deltas';
import type { TransactionRow } from './transaction-row';
import { TransactionsRepository } from './transactions.repository';

export type ChangeEvent = EventOf<typeof transactionsChanged>;
export type ChangeCause = ChangeEvent['cause'];

/** Keeps each event (and its JetStream message) well under NATS' default 1 MB payload. */
const DELTAS_PER_EVENT = 2_000;

/**
 * The one way a change leaves ingestion. Inside the write's transaction it
 * takes the tenant's next version(s) and commits the change events with the
 * rows (transactional outbox). After the commit it has them published at
 * once; a write's caller learns from the tenant's watermark when they are
 * applied, and an import asks `applied` here (it records the answer).
 */
@Injectable()
export class ChangeLog {
  constructor(
    private readonly repo: TransactionsRepository,
    private readonly relay: OutboxRelay,
    private readonly watermarks: Watermarks,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  /** Records the change (nothing when `deltas` is empty) and returns the tenant's version that reflects it. */
  async record(em: EntityManager, tenantId: string, cause: ChangeCause, deltas: readonly TransactionDelta[]): Promise<Version> {
    return (await this.stage(em, tenantId, cause, deltas)).version;
  }

  /**
   * `record`, also handing back the outbox entries it wrote, for the writer to `publish` once its transaction
   * committed: the change then reaches aggregation without waiting for a relay pass to read it back (a
   * transaction, a lock, a SELECT and an UPDATE on the write's critical path, issue 14).
   */
  async stage(
    em: EntityManager,
    tenantId: string,
    cause: ChangeCause,
    deltas: readonly TransactionDelta[],
  ): Promise<{ version: Version; entries: OutboxEntry[] }> {
    if (deltas.length === 0) return { version: await this.repo.currentVersion(em, tenantId), entries: [] };
    const entries: OutboxEntry[] = [];
    const subject = changeSubjectOf(tenantId);
    let version = '0';
    for (let i = 0; i < deltas.length; i += DELTAS_PER_EVENT) {
      const event = this.event(tenantId, cause, deltas.slice(i, i + DELTAS_PER_EVENT));
      const entry = await this.repo.enqueue(em, subject, event);
      version = entry.version;
      entries.push({ id: entry.outboxId, tenantId, eventId: event.eventId, subject, payload: { ...event, version } });
    }
    return { version, entries };
  }

  /** After the commit: the staged entries go to JetStream now, in version order (the relay stays the fallback). */
  publish(entries: readonly OutboxEntry[]): void {
    for (const entry of entries) this.relay.publishCommitted(entry);
  }

  /**
   * New rows whose change fits one event: stored with their change in one statement, no transaction around
   * it; `undefined` when they do not qualify or one's externalId is already stored (use `record` in a
   * transaction, which skips duplicates).
   */
  async insertRows(tenantId: string, rows: readonly TransactionRow[]): Promise<Version | undefined> {
    if (rows.length === 0) return undefined;
    const deltas = computeDeltas(rows);
    if (deltas.length > DELTAS_PER_EVENT) return undefined;
    const event = this.event(tenantId, 'ingested', deltas);
    const subject = changeSubjectOf(tenantId);
    const inserted = await this.repo.insertWithChange(tenantId, rows, subject, event);
    if (!inserted) return undefined;
    const { version, outboxId } = inserted;
    // Committed: published from here at once, with the payload the outbox holds (the relay stays the fallback).
    this.publish([{ id: outboxId, tenantId, eventId: event.eventId, subject, payload: { ...event, version } }]);
    return version;
  }

  private event(tenantId: string, cause: ChangeCause, deltas: readonly TransactionDelta[]): Omit<ChangeEvent, 'version'> {
    return { eventId: randomUUID(), tenantId, occurredAt: new Date().toISOString(), cause, months: monthsOf(deltas), deltas: [...deltas] };
  }

  /**
   * After an import's commit (the relay kicked for its entries): true once the rollups reflect `version` and
   * no cache holds older figures; false when that takes longer than the bound, or the caches could not
   * confirm (the next read might meet them).
   */
  async applied(tenantId: string, version: Version): Promise<boolean> {
    this.relay.kick();
    return (await this.watermarks.wait(tenantId, version, this.config.APPLY_TIMEOUT_MS)) === 'fresh';
  }
}
