import fc from 'fast-check';
import { decide, emissionIntervalUs, gcraRefund, gcraStep } from './gcra';
import { LocalGcraStore } from './local-gcra.store';
import { fallbackLimit } from './route-class';

const SECOND = 1_000_000;

/** Runs arrivals (µs) through one bucket; returns which were admitted. */
function run(arrivals: number[], intervalUs: number, burst: number): boolean[] {
  let tat: number | undefined;
  return arrivals.map((now) => {
    const step = gcraStep(tat, now, intervalUs, burst);
    if (step.newTatUs !== undefined) tat = step.newTatUs;
    return step.allowed;
  });
}

describe('GCRA', () => {
  it('derives the emission interval from count and period', () => {
    expect(emissionIntervalUs({ count: 200, periodMs: 1_000, burst: 400 })).toBe(5_000);
    expect(emissionIntervalUs({ count: 5, periodMs: 60_000, burst: 5 })).toBe(12 * SECOND);
  });

  it('admits exactly the burst at one instant, then one per interval', () => {
    const interval = SECOND / 10;
    const t0 = 1_000 * SECOND;
    const burst = run(
      Array.from({ length: 50 }, () => t0),
      interval,
      20,
    );
    expect(burst.filter(Boolean)).toHaveLength(20);
    expect(burst.slice(0, 20).every(Boolean)).toBe(true);
    let tat = t0 + 20 * interval;
    expect(gcraStep(tat, t0 + interval - 1, interval, 20).allowed).toBe(false);
    const next = gcraStep(tat, t0 + interval, interval, 20);
    expect(next.allowed).toBe(true);
    tat = next.newTatUs as number;
    expect(gcraStep(tat, t0 + interval, interval, 20).allowed).toBe(false);
  });

  it('never admits a double burst around any instant (no window edge)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 * SECOND }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1_000, max: SECOND }),
        (offsets, burst, interval) => {
          const arrivals = offsets.map((o) => 5_000 * SECOND + o).sort((a, b) => a - b);
          const admitted = arrivals.filter((_, i) => run(arrivals, interval, burst)[i]);
          // Over any span of d µs at most burst + floor(d / interval) requests get in.
          for (let i = 0; i < admitted.length; i++) {
            for (let j = i; j < admitted.length; j++) {
              const span = (admitted[j] as number) - (admitted[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor(span / interval));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('turns outcomes into remaining, reset and retry figures', () => {
    const interval = SECOND / 200;
    // Fresh bucket, first request: 399 left, full again in one interval.
    expect(decide({ allowed: true, tatOffsetUs: interval }, interval, 400)).toEqual({
      allowed: true,
      limit: 400,
      remaining: 399,
      resetSeconds: 1,
      retryAfterSeconds: 0,
      windowSeconds: 2,
    });
    // Bucket empty: TAT is the whole capacity ahead; the next unit comes in one interval (rounded up to 1 s).
    expect(decide({ allowed: false, tatOffsetUs: 400 * interval }, interval, 400)).toMatchObject({
      allowed: false,
      remaining: 0,
      resetSeconds: 2,
      retryAfterSeconds: 1,
    });
    // 5 per minute: empty bucket waits 12 s for the next import.
    const slow = 12 * SECOND;
    expect(decide({ allowed: false, tatOffsetUs: 5 * slow }, slow, 5)).toMatchObject({
      retryAfterSeconds: 12,
      resetSeconds: 60,
      windowSeconds: 60,
    });
  });

  it('local store behaves like the pure step', () => {
    const store = new LocalGcraStore();
    const t0 = 42 * SECOND;
    const admitted = Array.from({ length: 10 }, () => store.step('k', SECOND, 3, t0).allowed);
    expect(admitted.filter(Boolean)).toHaveLength(3);
    expect(store.step('other', SECOND, 3, t0).allowed).toBe(true);
    expect(store.step('k', SECOND, 3, t0 + SECOND).allowed).toBe(true);
  });

  it('a refund leaves the bucket as if the refunded request had never been admitted', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 * SECOND }), { minLength: 1, maxLength: 20 }), fc.nat({ max: 19 }), (gaps, pick) => {
        const refunded = pick % gaps.length;
        let withRefund: number | undefined;
        let without: number | undefined;
        let now = 0;
        gaps.forEach((gap, i) => {
          now += gap;
          const a = gcraStep(withRefund, now, SECOND, 3);
          if (a.newTatUs !== undefined) withRefund = a.newTatUs;
          if (i === refunded && a.allowed) withRefund = gcraRefund(withRefund, now, SECOND);
          else if (i !== refunded) {
            const b = gcraStep(without, now, SECOND, 3);
            if (b.newTatUs !== undefined) without = b.newTatUs;
          }
          // Same admissions from here on: equal TATs once both are clamped to now.
          expect(Math.max(withRefund ?? now, now)).toBe(Math.max(without ?? now, now));
        });
      }),
    );
  });

  it('local store refunds one interval, never below a full bucket', () => {
    const store = new LocalGcraStore();
    const t0 = 42 * SECOND;
    for (let i = 0; i < 3; i++) store.step('k', SECOND, 3, t0);
    expect(store.step('k', SECOND, 3, t0).allowed).toBe(false);
    store.refund('k', SECOND, t0);
    expect(store.step('k', SECOND, 3, t0).allowed).toBe(true);
    expect(store.step('k', SECOND, 3, t0).allowed).toBe(false);
  });

  it('splits the limit across replicas for the fallback', () => {
    expect(fallbackLimit({ count: 200, periodMs: 1_000, burst: 400 }, 3)).toEqual({ count: 200, periodMs: 3_000, burst: 134 });
    expect(fallbackLimit({ count: 5, periodMs: 60_000, burst: 5 }, 1)).toEqual({ count: 5, periodMs: 60_000, burst: 5 });
    expect(fallbackLimit({ count: 1, periodMs: 1_000, burst: 1 }, 10).burst).toBe(1);
  });
});
