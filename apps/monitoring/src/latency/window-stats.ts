import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

/** 1 % relative error on every quantile; 2048 bins cover 1 µs .. hours at that accuracy. */
const RELATIVE_ACCURACY = 0.01;
const BIN_LIMIT = 2_048;
/** Buckets per window: a window is exact to 1/BUCKETS of its length at its old edge. */
export const BUCKETS_PER_WINDOW = 12;
/** One slot more than the window holds, so the partly elapsed oldest slot is still there when the window is read. */
const RING_SIZE = BUCKETS_PER_WINDOW + 1;
export const EXEMPLARS_PER_BUCKET = 3;

export const newSketch = () => new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: RELATIVE_ACCURACY, binLimit: BIN_LIMIT });
export type Sketch = ReturnType<typeof newSketch>;

export interface Exemplar {
  traceId: string;
  durationMs: number;
}

interface Bucket {
  /** Start of the bucket's time slot (ms since epoch, aligned to the slot length). */
  slot: number;
  sketch: Sketch;
  errors: number;
  exemplars: Exemplar[];
}

export interface WindowSummary {
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  exemplars: Exemplar[];
}

/** Keeps the `limit` slowest, slowest first, one entry per trace; true when the candidate was kept. */
export function keepSlowest(list: Exemplar[], candidate: Exemplar, limit: number): boolean {
  const same = list.findIndex((e) => e.traceId === candidate.traceId);
  if (same >= 0) {
    if ((list[same] as Exemplar).durationMs >= candidate.durationMs) return false;
    list.splice(same, 1);
  }
  if (list.length >= limit && (list[list.length - 1] as Exemplar).durationMs >= candidate.durationMs) return false;
  list.push(candidate);
  list.sort((a, b) => b.durationMs - a.durationMs);
  if (list.length > limit) list.length = limit;
  return true;
}

/**
 * One sliding window as a ring of time-slotted sketches: memory is fixed
 * (BUCKETS_PER_WINDOW sketches of bounded size) whatever the traffic, and
 * reading the window merges the buckets still inside it.
 */
export class SlidingWindow {
  private readonly slotMs: number;
  private readonly ring: (Bucket | undefined)[] = new Array<Bucket | undefined>(RING_SIZE);

  constructor(readonly lengthMs: number) {
    this.slotMs = Math.max(1, Math.ceil(lengthMs / BUCKETS_PER_WINDOW));
  }

  /** Returns true when the span became one of its bucket's exemplars. */
  record(atMs: number, durationMs: number, error: boolean, traceId: string | null): boolean {
    const slot = Math.floor(atMs / this.slotMs) * this.slotMs;
    const index = Math.floor(slot / this.slotMs) % RING_SIZE;
    let bucket = this.ring[index];
    if (!bucket || bucket.slot !== slot) {
      // A span older than the bucket now in its place is outside the window: drop it.
      if (bucket && bucket.slot > slot) return false;
      bucket = { slot, sketch: newSketch(), errors: 0, exemplars: [] };
      this.ring[index] = bucket;
    }
    bucket.sketch.accept(Math.max(durationMs, 0.001));
    if (error) bucket.errors += 1;
    return traceId !== null && keepSlowest(bucket.exemplars, { traceId, durationMs }, EXEMPLARS_PER_BUCKET);
  }

  summary(nowMs: number, exemplarLimit = 5): WindowSummary {
    const merged = newSketch();
    let errors = 0;
    const exemplars: Exemplar[] = [];
    for (const bucket of this.live(nowMs)) {
      merged.merge(bucket.sketch);
      errors += bucket.errors;
      for (const e of bucket.exemplars) keepSlowest(exemplars, e, exemplarLimit);
    }
    const q = (p: number) => (merged.count === 0 ? 0 : merged.getValueAtQuantile(p));
    return {
      count: merged.count,
      errors,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
      maxMs: merged.count === 0 ? 0 : merged.max,
      exemplars,
    };
  }

  private *live(nowMs: number): Generator<Bucket> {
    const oldest = nowMs - this.lengthMs;
    for (const bucket of this.ring) {
      if (bucket && bucket.slot + this.slotMs > oldest && bucket.slot <= nowMs) yield bucket;
    }
  }
}

/** Hit/miss counts over one sliding window, bucketed like SlidingWindow. */
export class CounterWindow {
  private readonly slotMs: number;
  private readonly ring: ({ slot: number; hits: number; misses: number } | undefined)[] = new Array(RING_SIZE);

  constructor(readonly lengthMs: number) {
    this.slotMs = Math.max(1, Math.ceil(lengthMs / BUCKETS_PER_WINDOW));
  }

  record(atMs: number, hit: boolean): void {
    const slot = Math.floor(atMs / this.slotMs) * this.slotMs;
    const index = Math.floor(slot / this.slotMs) % RING_SIZE;
    let bucket = this.ring[index];
    if (!bucket || bucket.slot !== slot) {
      if (bucket && bucket.slot > slot) return;
      bucket = { slot, hits: 0, misses: 0 };
      this.ring[index] = bucket;
    }
    if (hit) bucket.hits += 1;
    else bucket.misses += 1;
  }

  totals(nowMs: number): { hits: number; misses: number } {
    const oldest = nowMs - this.lengthMs;
    let hits = 0;
    let misses = 0;
    for (const b of this.ring) {
      if (b && b.slot + this.slotMs > oldest && b.slot <= nowMs) {
        hits += b.hits;
        misses += b.misses;
      }
    }
    return { hits, misses };
  }
}
