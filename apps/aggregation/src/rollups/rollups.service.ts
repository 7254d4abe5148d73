import { rollupsChanged, type EventOf, type RefreshResult, type transactionsChanged } from '@ledgerline/contracts';
import { invalidateCaches, NatsBus } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { foldDeltas } from './fold';
import { KeyedQueue } from './keyed-queue';
import { RollupsRepository } from './rollups.repository';

type ChangeEvent = EventOf<typeof transactionsChanged>;

/** PostgreSQL asks to retry on these: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

/**
 * Applies transaction changes to the rollups exactly once per (change, month),
 * and rebuilds a month from the raw rows. Both run in REPEATABLE READ and are
 * retried when PostgreSQL detects a concurrent conflict, so a change applied
 * concurrently with a rebuild of its month is counted once.
 */
@Injectable()
export class RollupsService {
  private readonly perTenant = new KeyedQueue();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly repo: RollupsRepository,
    private readonly bus: NatsBus,
  ) {}

  /** Returns the months that changed (empty when the change was applied before). */
  async apply(event: ChangeEvent): Promise<string[]> {
    const months = await this.perTenant.run(event.tenantId, () => this.applyNow(event));
    if (months.length > 0) await this.announce(event.tenantId, months);
    return months;
  }

  private async applyNow(event: ChangeEvent): Promise<string[]> {
    return this.inSnapshot(async (em) => {
      const fresh = await this.repo.claim(em, event.eventId, event.months);
      if (fresh.size > 0) await this.repo.apply(em, event.tenantId, foldDeltas(event.deltas, fresh));
      return [...fresh].sort();
    });
  }

  async refresh(tenantId: string, month: string): Promise<RefreshResult> {
    const started = performance.now();
    const result = await this.perTenant.run(tenantId, () => this.inSnapshot((em) => this.repo.rebuild(em, tenantId, month)));
    await this.announce(tenantId, [month]);
    return { month, ...result, durationMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  /** Caches first (awaited, bounded): the writer is acknowledged only after its months are invalidated. */
  private async announce(tenantId: string, months: string[]): Promise<void> {
    await invalidateCaches(this.bus, tenantId, months);
    this.bus.publish(rollupsChanged, { eventId: randomUUID(), tenantId, months, occurredAt: new Date().toISOString() });
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
