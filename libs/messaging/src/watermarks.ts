import { getWatermark, rollupsChanged, versionAtLeast, type Version } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { NatsBus } from './nats-bus';

/** Asking aggregation is the cold path (a tenant this process has not heard of yet): short, or the wait's own bound decides. */
const ASK_TIMEOUT_MS = 500;

interface Waiter {
  version: bigint;
  done: (reached: boolean) => void;
}

/**
 * What this process knows of each tenant's watermark — the version up to
 * which every change is in the rollups — kept current by the rollups events
 * every replica receives. Waiting for a version costs no request while
 * events flow: a writer waits for its own change, a reader for the version
 * it was asked for. A tenant not heard of yet is asked for once.
 */
@Injectable()
export class Watermarks {
  private readonly known = new LRUCache<string, bigint>({ max: 100_000 });
  private readonly waiting = new Map<string, Set<Waiter>>();

  constructor(private readonly bus: NatsBus) {
    bus.subscribe(rollupsChanged, (event) => this.advance(event.tenantId, event.version));
  }

  /** The highest watermark heard of for the tenant, if any. */
  current(tenantId: string): Version | undefined {
    return this.known.get(tenantId)?.toString();
  }

  /** Resolves true once the tenant's watermark is at `version` or later, false when `timeoutMs` passes first. */
  async reached(tenantId: string, version: Version, timeoutMs: number): Promise<boolean> {
    if (this.isAt(tenantId, version)) return true;
    if (!this.known.has(tenantId)) {
      await this.ask(tenantId, Math.min(ASK_TIMEOUT_MS, timeoutMs));
      if (this.isAt(tenantId, version)) return true;
    }
    const target = BigInt(version);
    const reached = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        version: target,
        done: (ok) => {
          clearTimeout(timer);
          this.waiting.get(tenantId)?.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.done(false), timeoutMs);
      let waiters = this.waiting.get(tenantId);
      if (!waiters) this.waiting.set(tenantId, (waiters = new Set()));
      waiters.add(waiter);
    });
    if (reached) return true;
    // An event lost in a NATS reconnect must not turn into a wrong "not yet": ask once more.
    await this.ask(tenantId, ASK_TIMEOUT_MS);
    return this.isAt(tenantId, version);
  }

  advance(tenantId: string, version: Version): void {
    const next = BigInt(version);
    const before = this.known.get(tenantId);
    if (before !== undefined && before >= next) return;
    this.known.set(tenantId, next);
    const waiters = this.waiting.get(tenantId);
    if (!waiters) return;
    for (const waiter of [...waiters]) if (waiter.version <= next) waiter.done(true);
    if (waiters.size === 0) this.waiting.delete(tenantId);
  }

  private isAt(tenantId: string, version: Version): boolean {
    const known = this.known.get(tenantId);
    return known !== undefined && versionAtLeast(known.toString(), version);
  }

  private async ask(tenantId: string, timeoutMs: number): Promise<void> {
    try {
      const { version } = await this.bus.request(getWatermark, { tenantId }, { timeoutMs });
      this.advance(tenantId, version);
    } catch {
      // Aggregation down or slow: what the events say is all there is.
    }
  }
}
