import { LRUCache } from 'lru-cache';
import { gcraStep, type GcraOutcome } from './gcra';

/** Monotonic microseconds: the local fallback must not jump with wall-clock corrections. */
const nowUs = (): number => Number(process.hrtime.bigint() / 1_000n);

/** In-process GCRA buckets: the per-replica fallback while Redis is unreachable. */
export class LocalGcraStore {
  private readonly tats = new LRUCache<string, number>({ max: 100_000 });

  step(key: string, intervalUs: number, burst: number, now = nowUs()): GcraOutcome {
    const outcome = gcraStep(this.tats.get(key), now, intervalUs, burst);
    if (outcome.newTatUs !== undefined) {
      // A bucket back at full quota holds no information: let it expire.
      this.tats.set(key, outcome.newTatUs, { ttl: Math.ceil(outcome.tatOffsetUs / 1_000) + 1 });
    }
    return { allowed: outcome.allowed, tatOffsetUs: outcome.tatOffsetUs };
  }
}
