import { growingLru } from '@ledgerline/runtime';
import { gcraRefund, gcraStep, type GcraOutcome } from './gcra';
import { windowStep, type WindowOutcome } from './sliding-window';

/** Monotonic microseconds: the local fallback must not jump with wall-clock corrections. */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1_000n);

/** In-process GCRA buckets: the per-replica fallback while Redis is unreachable. */
export class LocalGcraStore {
  // Used only while Redis is unreachable: no arrays for 100 000 entries held from boot.
  private readonly tats = growingLru<string, number>(100_000);

  step(key: string, intervalUs: number, burst: number, now = nowUs()): GcraOutcome {
    const outcome = gcraStep(this.tats.get(key), now, intervalUs, burst);
    if (outcome.newTatUs !== undefined) {
      // A bucket back at full quota holds no information: let it expire.
      this.tats.set(key, outcome.newTatUs, { ttl: Math.ceil(outcome.tatOffsetUs / 1_000) + 1 });
    }
    return { allowed: outcome.allowed, tatOffsetUs: outcome.tatOffsetUs };
  }

  refund(key: string, intervalUs: number, now = nowUs()): void {
    const tat = gcraRefund(this.tats.get(key), now, intervalUs);
    if (tat === undefined) this.tats.delete(key);
    else this.tats.set(key, tat, { ttl: Math.ceil((tat - now) / 1_000) + 1 });
  }
}

/** In-process sliding-window logs: the per-replica fallback for the windowed class. */
export class LocalWindowStore {
  private readonly logs = growingLru<string, number[]>(100_000);

  step(key: string, windowUs: number, limit: number, now = nowUs()): WindowOutcome & { admittedAtUs: number } {
    const log = this.logs.get(key) ?? [];
    const outcome = windowStep(log, now, windowUs, limit);
    this.logs.set(key, log, { ttl: Math.ceil(windowUs / 1_000) + 1 });
    return { ...outcome, admittedAtUs: now };
  }

  refund(key: string, admittedAtUs: number): void {
    const log = this.logs.get(key);
    const at = log?.indexOf(admittedAtUs) ?? -1;
    if (log && at >= 0) log.splice(at, 1);
  }
}
