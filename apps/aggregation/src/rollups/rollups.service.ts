import {
  AppError,
  getKeyExtremes,
  type BudgetThreshold,
  getMemberKeyExtremes,
  getMonthSource,
  getTenantMonths,
  rollupsChanged,
  type EventOf,
  type MonthSource,
  type RefreshResult,
  type transactionsChanged,
} from '@ledgerline/contracts';
import { transactionAt } from '@ledgerline/database';
import { invalidateCaches, NatsBus } from '@ledgerline/messaging';
import { growingLru } from '@ledgerline/runtime';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { BudgetThresholds } from '../notifications/budget-thresholds';
import { ApplyLag } from './apply-lag';
import { foldDeltas, onlyAdds, type FoldedChange } from './fold';
import { KeyedBatcher } from './keyed-batcher';
import { KeyedQueue } from './keyed-queue';
import { Predecessors } from './predecessors';
import { RollupsRepository, type TenantApplyState } from './rollups.repository';

type ChangeEvent = EventOf<typeof transactionsChanged>;
type RollupsChange = EventOf<typeof rollupsChanged>;

/** What became of a change: applied now, or applied before (a redelivery). */
export type ApplyOutcome = 'applied' | 'duplicate';

/** A change whose predecessors are not applied yet: it is refused and delivered again later. */
export class ChangeOutOfOrder extends Error {}

/** PostgreSQL asks to retry on these: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;
/** Bounds one transaction's size (and its lock time) when a tenant's changes pile up. */
const MAX_CHANGES_PER_BATCH = 100;

/** A rebuild asks ingestion to fold a whole month: more than the default request budget on big tenants. */
const SOURCE_TIMEOUT_MS = 30_000;

const rollupKeyOf = ({ month, category, subcategory, expenseType }: FoldedChange['categories'][number]) => ({
  month,
  category,
  subcategory,
  expenseType,
});

/** How long a change that arrived ahead of its predecessor waits for it before it is refused (and comes back later). */
const PREDECESSOR_WAIT_MS = 100;

/** How often an unconfirmed cache invalidation is tried again. */
const INVALIDATION_RETRY_MS = 500;

interface Applied {
  outcomes: (ApplyOutcome | Error)[];
  watermark: bigint;
  months: string[];
  /** Budget states the batch raised, announced after the commit. */
  thresholds: BudgetThreshold[];
}

const byVersion = (a: ChangeEvent, b: ChangeEvent) => (BigInt(a.version) < BigInt(b.version) ? -1 : 1);

/**
 * Applies a tenant's changes to the rollups in version order, each exactly
 * once: the tenant's watermark (the last version applied) moves in the same
 * transaction as the rollups, so a redelivered change is recognised by its
 * version alone. Changes that arrive while the tenant's rollups are busy are
 * applied together, in one transaction and one cache invalidation (group
 * commit). Rebuilds of a month from the raw rows share the tenant's queue.
 */
@Injectable()
export class RollupsService implements OnModuleDestroy {
  private readonly perTenant = new KeyedQueue();
  /**
   * Per tenant, what its last apply here read under the lock and left behind: the next apply of changes that
   * only add reuses it and writes in one statement, gated on the watermark and generation still being these.
   */
  private readonly lastApplied = growingLru<string, TenantApplyState>(100_000);
  private readonly predecessors = new Predecessors(PREDECESSOR_WAIT_MS);
  /** Months per tenant whose cache invalidation was not confirmed yet (retried until it is). */
  private readonly unconfirmed = new Map<string, Set<string>>();
  private retry: NodeJS.Timeout | undefined;
  private readonly changes = new KeyedBatcher<ChangeEvent, ApplyOutcome>(this.perTenant, MAX_CHANGES_PER_BATCH, (tenantId, events) =>
    this.applyBatch(tenantId, events),
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: RollupsRepository,
    private readonly bus: NatsBus,
    private readonly budgetThresholds: BudgetThresholds,
    private readonly applyLag: ApplyLag,
  ) {}

  /** Settles once the change is in the rollups and the caches were told; rejects with ChangeOutOfOrder when it came too early. */
  async apply(event: ChangeEvent): Promise<ApplyOutcome> {
    await this.predecessors.wait(event.tenantId, BigInt(event.version), this.lastApplied.get(event.tenantId)?.watermark);
    return this.changes.submit(event.tenantId, event);
  }

  /** The version up to which the tenant's changes are in the rollups, as a reader sees it now. */
  watermark(tenantId: string): Promise<string> {
    return this.repo.watermark(this.db.manager, tenantId);
  }

  /** Rebuilds a month from the rows ingestion folds for it (aggregation never reads ingestion's tables). */
  async refresh(tenantId: string, month: string): Promise<RefreshResult> {
    const started = performance.now();
    const result = await this.perTenant.run(tenantId, async () => {
      const source = await this.source(tenantId, month);
      return this.inSnapshot((em) => this.repo.rebuild(em, tenantId, month, source));
    });
    await this.announce(tenantId, [month], await this.watermark(tenantId));
    return { month, ...result, durationMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  /**
   * For a change that could not be applied however often it was delivered
   * (it went to the dead-letter stream): its months are rebuilt from the raw
   * rows, which hold it, and the watermark moves past it, so the tenant's
   * later changes are not held up behind it forever. When changes before it
   * never arrived either, their months are unknown: every month is rebuilt.
   */
  async skip(event: ChangeEvent): Promise<void> {
    const { tenantId } = event;
    const version = BigInt(event.version);
    const months = await this.perTenant.run(tenantId, async () => {
      const watermark = BigInt(await this.watermark(tenantId));
      if (version <= watermark) return [];
      const stale =
        version === watermark + 1n
          ? event.months
          : [
              ...new Set([
                ...(await this.bus.request(getTenantMonths, { tenantId })),
                ...(await this.repo.rollupMonths(this.db.manager, tenantId)),
                ...event.months,
              ]),
            ].sort();
      // Folded after the change committed: every source reflects it (and whatever came before it).
      const sources = new Map<string, MonthSource>();
      for (const month of stale) sources.set(month, await this.source(tenantId, month));
      await this.inSnapshot(async (em) => {
        if ((await this.repo.lockWatermark(em, tenantId)) >= version) return;
        for (const [month, source] of sources) await this.repo.rebuild(em, tenantId, month, source);
        await this.repo.setWatermark(em, tenantId, version);
      });
      return stale;
    });
    if (months.length > 0) await this.announce(tenantId, months, await this.watermark(tenantId));
  }

  private source(tenantId: string, month: string): Promise<MonthSource> {
    return this.bus.request(getMonthSource, { tenantId, month }, { timeoutMs: SOURCE_TIMEOUT_MS });
  }

  private async applyBatch(tenantId: string, events: readonly ChangeEvent[]): Promise<PromiseSettledResult<ApplyOutcome>[]> {
    let applied: Applied | undefined;
    try {
      applied = (await this.applyOnTop(tenantId, events)) ?? (await this.inSnapshot((em) => this.applyNow(em, tenantId, events)));
    } catch (error) {
      this.lastApplied.delete(tenantId);
      if (events.length === 1) throw error;
      // One change the database refuses must not fail the others: apply them one at a time, in version order.
      const settled = new Map<ChangeEvent, PromiseSettledResult<ApplyOutcome>>();
      for (const event of [...events].sort(byVersion)) {
        const [result] = await this.applyBatch(tenantId, [event]).catch((reason: unknown) => [{ status: 'rejected' as const, reason }]);
        settled.set(event, result as PromiseSettledResult<ApplyOutcome>);
      }
      return events.map((event) => settled.get(event) as PromiseSettledResult<ApplyOutcome>);
    }
    this.predecessors.applied(tenantId, applied.watermark);
    const taken = events.filter((_, i) => applied.outcomes[i] === 'applied');
    if (taken.length > 0) {
      const commits = taken.map((e) => ({ version: e.version, committedAt: e.occurredAt, months: e.months }));
      await this.announce(tenantId, applied.months, applied.watermark.toString(), commits);
      this.applyLag.applied(tenantId, taken);
    }
    this.budgetThresholds.announce(applied.thresholds);
    return applied.outcomes.map((outcome) =>
      outcome instanceof Error ? { status: 'rejected', reason: outcome } : { status: 'fulfilled', value: outcome },
    );
  }

  /** Takes the changes that continue the tenant's watermark, folds them into one upsert per rollup row, and moves the watermark. */
  private async applyNow(em: EntityManager, tenantId: string, events: readonly ChangeEvent[]): Promise<Applied> {
    // Read with the lock: one round trip, whichever changes are taken.
    const locked = await this.repo.lockWatermarkAndRead(em, tenantId);
    let watermark = locked.watermark;
    const outcomes = new Map<ChangeEvent, ApplyOutcome | Error>();
    const taken: ChangeEvent[] = [];
    for (const event of [...events].sort(byVersion)) {
      const version = BigInt(event.version);
      if (version <= watermark) {
        outcomes.set(event, 'duplicate');
      } else if (version === watermark + 1n) {
        outcomes.set(event, 'applied');
        taken.push(event);
        watermark = version;
      } else {
        outcomes.set(event, new ChangeOutOfOrder(`change ${version} of tenant ${tenantId} came before ${watermark + 1n}`));
      }
    }
    const months = [...new Set(taken.flatMap((event) => event.months))].sort();
    let thresholds: BudgetThreshold[] = [];
    if (taken.length > 0) {
      // A month rebuilt from the raw rows already holds the changes up to the version its snapshot saw.
      const { rebuilt } = locked;
      const deltas = taken.flatMap((event) => event.deltas.filter((d) => BigInt(event.version) > (rebuilt.get(d.month) ?? 0n)));
      if (deltas.length > 0) {
        const folded = foldDeltas(deltas, new Set(deltas.map((d) => d.month)));
        const lost = folded.categories.filter((c) => c.lostRows);
        // Rows left these keys (a delete, a recategorisation): their extremes come from the rows, which ingestion owns.
        const extremes = lost.length === 0 ? [] : await this.bus.request(getKeyExtremes, { tenantId, keys: lost.map(rollupKeyOf) });
        const memberLost = folded.memberCategories.filter((c) => c.lostRows);
        const memberExtremes =
          memberLost.length === 0
            ? []
            : await this.bus.request(getMemberKeyExtremes, {
                tenantId,
                keys: memberLost.map((c) => ({ ...rollupKeyOf(c), member: c.member })),
              });
        await this.repo.apply(em, tenantId, folded, extremes, memberExtremes, watermark);
        // In this transaction: a budget state these changes raised is recorded (and its webhooks queued) exactly once.
        thresholds = await this.budgetThresholds.afterApply(em, tenantId, folded, watermark, locked.budgeted);
      } else {
        await this.repo.setWatermark(em, tenantId, watermark);
      }
    }
    // Remembered once committed (the caller's transaction); forgotten if it is not.
    this.lastApplied.set(tenantId, { ...locked, watermark });
    return { outcomes: events.map((event) => outcomes.get(event) as ApplyOutcome | Error), watermark, months, thresholds };
  }

  /**
   * The common case in one round trip: the changes continue the watermark this process left the tenant at,
   * touch no rebuilt month past it and no budgeted category, and only add. The statement writes only if the
   * tenant is still where the last apply left it; undefined (nothing written) sends the batch the locked way.
   */
  private async applyOnTop(tenantId: string, events: readonly ChangeEvent[]): Promise<Applied | undefined> {
    const last = this.lastApplied.get(tenantId);
    if (!last) return undefined;
    const sorted = [...events].sort(byVersion);
    if (sorted.some((event, i) => BigInt(event.version) !== last.watermark + BigInt(i + 1))) return undefined;
    const months = [...new Set(sorted.flatMap((event) => event.months))].sort();
    if (months.some((month) => (last.rebuilt.get(month) ?? 0n) > last.watermark)) return undefined;
    const deltas = sorted.flatMap((event) => event.deltas);
    if (deltas.some((d) => last.budgeted.has(d.category))) return undefined;
    const folded = foldDeltas(deltas, new Set(deltas.map((d) => d.month)));
    if (!onlyAdds(folded)) return undefined;
    const watermark = last.watermark + BigInt(sorted.length);
    if (!(await this.repo.applyIfAt(this.db.manager, tenantId, folded, last, watermark))) {
      this.lastApplied.delete(tenantId);
      return undefined;
    }
    this.lastApplied.set(tenantId, { ...last, watermark });
    return { outcomes: events.map(() => 'applied'), watermark, months, thresholds: [] };
  }

  /**
   * Caches first (awaited, bounded), then the new watermark to every
   * listener: a writer waiting for its change, or a reader waiting for a
   * version, is released only once no cache holds older figures. When the
   * caches did not confirm (cache-gateway down or slow), the event still goes
   * out — marked, so listeners do not count the watermark as reached and the
   * near-caches drop the tenant — and the invalidation is retried until it is
   * confirmed, then announced again.
   */
  private async announce(tenantId: string, months: readonly string[], version: string, commits?: RollupsChange['commits']): Promise<void> {
    const stale = [...new Set([...(this.unconfirmed.get(tenantId) ?? []), ...months])].sort();
    const cachesInvalidated = stale.length === 0 || (await invalidateCaches(this.bus, tenantId, stale));
    if (cachesInvalidated) this.unconfirmed.delete(tenantId);
    else {
      this.unconfirmed.set(tenantId, new Set(stale));
      this.retry ??= setTimeout(() => void this.retryInvalidations(), INVALIDATION_RETRY_MS);
    }
    this.bus.publish(rollupsChanged, {
      eventId: randomUUID(),
      tenantId,
      version,
      months: [...months],
      occurredAt: new Date().toISOString(),
      cachesInvalidated,
      ...(commits ? { commits } : {}),
    });
  }

  private async retryInvalidations(): Promise<void> {
    for (const tenantId of [...this.unconfirmed.keys()]) {
      await this.perTenant.run(tenantId, async () => this.announce(tenantId, [], await this.watermark(tenantId))).catch(() => undefined);
    }
    this.retry = undefined;
    if (this.unconfirmed.size > 0) this.retry = setTimeout(() => void this.retryInvalidations(), INVALIDATION_RETRY_MS);
  }

  onModuleDestroy(): void {
    clearTimeout(this.retry);
  }

  /** The watermark a writer or reader may rely on: none while the tenant's caches may still hold older figures. */
  async confirmedWatermark(tenantId: string): Promise<string> {
    if (this.unconfirmed.has(tenantId)) throw new AppError('service-unavailable', 'The caches have not confirmed the latest changes yet.');
    return this.watermark(tenantId);
  }

  private async inSnapshot<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transactionAt(this.db, 'REPEATABLE READ', work);
      } catch (err) {
        const code = (err as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (err as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}
