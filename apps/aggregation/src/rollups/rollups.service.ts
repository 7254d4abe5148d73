import { rollupsChanged, type EventOf, type RefreshResult, type transactionsChanged } from '@ledgerline/contracts';
import { withLongStatements } from '@ledgerline/database';
import { invalidateCaches, NatsBus } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { foldDeltas } from './fold';
import { KeyedBatcher } from './keyed-batcher';
import { KeyedQueue } from './keyed-queue';
import { RollupsRepository } from './rollups.repository';

type ChangeEvent = EventOf<typeof transactionsChanged>;

/** PostgreSQL asks to retry on these: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;
/** A month rebuild reads every row of the month: it may run far past a request's statement bound. */
const REBUILD_STATEMENT_TIMEOUT_MS = 120_000;
/** Bounds one transaction's size (and its lock time) when a tenant's changes pile up. */
const MAX_CHANGES_PER_BATCH = 100;

/**
 * Applies transaction changes to the rollups exactly once per (change, month),
 * and rebuilds a month from the raw rows. Both run in REPEATABLE READ and are
 * retried when PostgreSQL detects a concurrent conflict, so a change applied
 * concurrently with a rebuild of its month is counted once.
 */
@Injectable()
export class RollupsService {
  private readonly perTenant = new KeyedQueue();
  /** Changes of one tenant that arrive while its rollups are busy are applied together, in one transaction. */
  private readonly changes = new KeyedBatcher<ChangeEvent, string[]>(this.perTenant, MAX_CHANGES_PER_BATCH, (tenantId, events) =>
    this.applyBatch(tenantId, events),
  );

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: RollupsRepository,
    private readonly bus: NatsBus,
  ) {}

  /** Returns the months that changed (empty when the change was applied before), once its caches are invalidated. */
  async apply(event: ChangeEvent): Promise<string[]> {
    return this.changes.submit(event.tenantId, event);
  }

  private async applyBatch(tenantId: string, events: readonly ChangeEvent[]): Promise<PromiseSettledResult<string[]>[]> {
    let fresh: string[][];
    try {
      fresh = await this.inSnapshot((em) => this.applyNow(em, tenantId, events));
    } catch (error) {
      if (events.length === 1) throw error;
      // One change the database refuses must not fail the others: apply them one at a time.
      const settled: PromiseSettledResult<string[]>[] = [];
      for (const event of events) {
        settled.push(...(await this.applyBatch(tenantId, [event]).catch((reason: unknown) => [{ status: 'rejected' as const, reason }])));
      }
      return settled;
    }
    const months = [...new Set(fresh.flat())].sort();
    if (months.length > 0) await this.announce(tenantId, months);
    return fresh.map((value) => ({ status: 'fulfilled', value }));
  }

  /** Claims each change for its months (a change seen before claims none) and folds what was claimed into one upsert per row. */
  private async applyNow(em: EntityManager, tenantId: string, events: readonly ChangeEvent[]): Promise<string[][]> {
    const claimed: ReadonlySet<string>[] = [];
    // One at a time: the same change twice in a batch (a retry beside its redelivery) is claimed by the first only.
    for (const event of events) claimed.push(await this.repo.claim(em, event.eventId, event.months));
    const deltas = events.flatMap((event, i) => event.deltas.filter((d) => claimed[i]?.has(d.month)));
    const months = new Set(claimed.flatMap((set) => [...set]));
    if (months.size > 0) await this.repo.apply(em, tenantId, foldDeltas(deltas, months));
    return claimed.map((set) => [...set].sort());
  }

  async refresh(tenantId: string, month: string): Promise<RefreshResult> {
    const started = performance.now();
    const result = await this.perTenant.run(tenantId, () =>
      this.inSnapshot((em) => withLongStatements(em, REBUILD_STATEMENT_TIMEOUT_MS, () => this.repo.rebuild(em, tenantId, month))),
    );
    await this.announce(tenantId, [month]);
    return { month, ...result, durationMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  /** Caches first (awaited, bounded): the writer is acknowledged only after its months are invalidated. */
  private async announce(tenantId: string, months: string[]): Promise<void> {
    const cachesInvalidated = await invalidateCaches(this.bus, tenantId, months);
    this.bus.publish(rollupsChanged, { eventId: randomUUID(), tenantId, months, occurredAt: new Date().toISOString(), cachesInvalidated });
  }

  private async inSnapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ds.transaction('REPEATABLE READ', work);
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}
