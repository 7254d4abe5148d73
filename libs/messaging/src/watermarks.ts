import { getWatermark, rollupsChanged, type Version } from '@ledgerline/contracts';
import { growingLru } from '@ledgerline/runtime';
import { Injectable } from '@nestjs/common';
import { NatsBus } from './nats-bus';

/** Asking aggregation is the cold path (a tenant this process has not heard of yet): short, or the wait's own bound decides. */
const ASK_TIMEOUT_MS = 500;

/**
 * How far a version has come: `fresh` — in the rollups and out of every
 * cache; `applied` — in the rollups, but the caches did not confirm their
 * invalidation yet (the source has it, a cache may not); `pending` — not
 * applied within the bound.
 */
export type VersionState = 'fresh' | 'applied' | 'pending';

interface Waiter {
  version: bigint;
  done: (state: VersionState) => void;
}

interface Known {
  /** Every change up to it is in the rollups and out of the caches. */
  fresh: bigint;
  /** Every change up to it is in the rollups (at least `fresh`). */
  applied: bigint;
}

/**
 * What this process knows of each tenant's watermark, kept current by the
 * rollups events every replica receives. Waiting for a version costs no
 * request while events flow: a writer waits for its own change, a reader
 * for the version it was asked for. A tenant not heard of yet is asked for once.
 */
@Injectable()
export class Watermarks {
  private readonly known = growingLru<string, Known>(100_000);
  private readonly waiting = new Map<string, Set<Waiter>>();

  private listening = false;

  constructor(private readonly bus: NatsBus) {}

  /** Resolves as soon as `version` is fresh, or applied with unconfirmed caches; `pending` once `timeoutMs` passes first. */
  async wait(tenantId: string, version: Version, timeoutMs: number): Promise<VersionState> {
    this.listen();
    const target = BigInt(version);
    const now = this.stateOf(tenantId, target);
    if (now !== 'pending') return now;
    if (!this.known.has(tenantId)) {
      await this.ask(tenantId, Math.min(ASK_TIMEOUT_MS, timeoutMs));
      const asked = this.stateOf(tenantId, target);
      if (asked !== 'pending') return asked;
    }
    const state = await new Promise<VersionState>((resolve) => {
      const waiter: Waiter = {
        version: target,
        done: (reached) => {
          clearTimeout(timer);
          this.waiting.get(tenantId)?.delete(waiter);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => waiter.done('pending'), timeoutMs);
      let waiters = this.waiting.get(tenantId);
      if (!waiters) this.waiting.set(tenantId, (waiters = new Set()));
      waiters.add(waiter);
    });
    if (state !== 'pending') return state;
    // An event lost in a NATS reconnect must not turn into a wrong "not yet": ask once more.
    await this.ask(tenantId, ASK_TIMEOUT_MS);
    return this.stateOf(tenantId, target);
  }

  /**
   * From the first wait on: a process that never waits (ingestion between imports) is not woken by every
   * tenant's rollups. Tenants are asked for once anyway, so nothing heard before is missed.
   */
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.bus.subscribe(rollupsChanged, (event) => this.advance(event.tenantId, event.version, event.cachesInvalidated !== false));
  }

  /** Records what an event (or aggregation, asked) said: `version` is applied, and fresh when the caches confirmed. */
  advance(tenantId: string, version: Version, cachesConfirmed: boolean): void {
    const next = BigInt(version);
    const before = this.known.get(tenantId) ?? { fresh: -1n, applied: -1n };
    const known = {
      fresh: cachesConfirmed && next > before.fresh ? next : before.fresh,
      applied: next > before.applied ? next : before.applied,
    };
    this.known.set(tenantId, known);
    const waiters = this.waiting.get(tenantId);
    if (!waiters) return;
    for (const waiter of [...waiters]) {
      if (waiter.version <= known.fresh) waiter.done('fresh');
      else if (waiter.version <= known.applied) waiter.done('applied');
    }
    if (waiters.size === 0) this.waiting.delete(tenantId);
  }

  private stateOf(tenantId: string, version: bigint): VersionState {
    const known = this.known.get(tenantId);
    if (known === undefined || version > known.applied) return 'pending';
    return version <= known.fresh ? 'fresh' : 'applied';
  }

  private async ask(tenantId: string, timeoutMs: number): Promise<void> {
    try {
      const { version } = await this.bus.request(getWatermark, { tenantId }, { timeoutMs });
      // Aggregation answers only while the tenant's caches are confirmed.
      this.advance(tenantId, version, true);
    } catch {
      // Aggregation down or slow (or the tenant's caches unconfirmed): what the events say is all there is.
    }
  }
}
