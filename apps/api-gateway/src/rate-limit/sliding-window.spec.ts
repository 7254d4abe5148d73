import { decideWindow, windowStep } from './sliding-window';

const S = 1_000_000;

describe('sliding-window log', () => {
  it('admits at most the limit in any rolling window, where GCRA would refill continuously', () => {
    const log: number[] = [];
    const admitted: number[] = [];
    // One attempt every 5 s for 120 s: 5 per rolling 60 s means exactly 5 in each of [0,60) and [60,120).
    for (let t = 0; t < 120 * S; t += 5 * S) if (windowStep(log, t, 60 * S, 5).allowed) admitted.push(t / S);
    expect(admitted).toEqual([0, 5, 10, 15, 20, 60, 65, 70, 75, 80]);
  });

  it('never admits more than the limit in any 60 s span of the admissions it made', () => {
    const log: number[] = [];
    const admitted: number[] = [];
    for (let t = 0; t < 600 * S; t += 1_234_567) if (windowStep(log, t, 60 * S, 5).allowed) admitted.push(t);
    for (let i = 5; i < admitted.length; i++) expect((admitted[i] as number) - (admitted[i - 5] as number)).toBeGreaterThanOrEqual(60 * S);
  });

  it('tells a rejected client when the oldest admission leaves the window', () => {
    const log: number[] = [];
    for (let i = 0; i < 5; i++) windowStep(log, i * S, 60 * S, 5);
    const rejected = windowStep(log, 10 * S, 60 * S, 5);
    expect(rejected).toEqual({ allowed: false, count: 5, oldestExpiresInUs: 50 * S, newestExpiresInUs: 54 * S });
    expect(decideWindow(rejected, 60 * S, 5)).toEqual({
      allowed: false,
      limit: 5,
      remaining: 0,
      resetSeconds: 54,
      retryAfterSeconds: 50,
      windowSeconds: 60,
    });
    expect(windowStep(log, 60 * S, 60 * S, 5).allowed).toBe(true);
  });
});
