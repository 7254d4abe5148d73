import { prng as rng } from '@ledgerline/testing';
import { keepSlowest, SlidingWindow } from './window-stats';

/** Log-normal latencies (median ~40 ms, long tail) plus a slow mode: the shape real routes have. */
function latencies(n: number, seed: number): number[] {
  const random = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const base = Math.exp(Math.log(40) + 0.8 * normal);
    out.push(random() < 0.03 ? base * 15 : base);
  }
  return out;
}

/** The value at rank ⌊q·(n−1)⌋ of the sorted sample: the definition DDSketch's guarantee is stated for. */
const exact = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

describe('SlidingWindow percentiles', () => {
  it.each([
    [1, 1_000],
    [2, 20_000],
    [3, 100_000],
  ])('stay within 1 %% relative error of the exact percentiles (seed %i, %i values)', (seed, n) => {
    const values = latencies(n, seed);
    const window = new SlidingWindow(60_000);
    const now = 1_000_000;
    values.forEach((v, i) => window.record(now - 50_000 + (i % 50_000), v, false, null));
    const sorted = [...values].sort((a, b) => a - b);
    const summary = window.summary(now);
    expect(summary.count).toBe(n);
    for (const [q, got] of [
      [0.5, summary.p50Ms],
      [0.95, summary.p95Ms],
      [0.99, summary.p99Ms],
    ] as const) {
      const want = exact(sorted, q);
      expect(Math.abs(got - want) / want).toBeLessThanOrEqual(0.01 + 1e-9);
    }
  });

  it('forgets spans once they slide out of the window', () => {
    const window = new SlidingWindow(60_000);
    for (let i = 0; i < 100; i++) window.record(10_000 + i, 900, true, `slow${i}`);
    for (let i = 0; i < 100; i++) window.record(80_000 + i, 10, false, `fast${i}`);
    const early = window.summary(60_000);
    expect(early).toMatchObject({ count: 100, errors: 100 });
    const later = window.summary(90_000);
    expect(later.count).toBe(100);
    expect(later.errors).toBe(0);
    expect(later.p99Ms).toBeLessThan(11);
    expect(later.exemplars.every((e) => e.traceId.startsWith('fast'))).toBe(true);
    expect(window.summary(1_000_000).count).toBe(0);
  });

  it('keeps the slowest exemplar traces, slowest first, one entry per trace', () => {
    const window = new SlidingWindow(60_000);
    const durations = [5, 700, 12, 650, 30, 900, 8, 701];
    durations.forEach((d, i) => window.record(1_000 + i, d, false, `t${i}`));
    window.record(1_100, 950, false, 't1');
    expect(window.summary(2_000, 3).exemplars).toEqual([
      { traceId: 't1', durationMs: 950 },
      { traceId: 't5', durationMs: 900 },
      { traceId: 't7', durationMs: 701 },
    ]);
  });

  it('keepSlowest reports whether the candidate made the list', () => {
    const list = [{ traceId: 'a', durationMs: 10 }];
    expect(keepSlowest(list, { traceId: 'b', durationMs: 5 }, 1)).toBe(false);
    expect(keepSlowest(list, { traceId: 'c', durationMs: 20 }, 1)).toBe(true);
    expect(list).toEqual([{ traceId: 'c', durationMs: 20 }]);
  });
});
