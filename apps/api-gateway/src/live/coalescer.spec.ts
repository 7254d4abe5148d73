import { Coalescer, LatestPerKey } from './coalescer';

describe('Coalescer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  const setup = (intervalMs: number) => {
    const runs: number[] = [];
    let coalesced = 0;
    let release: (() => void) | undefined;
    let hold = false;
    const coalescer = new Coalescer(
      intervalMs,
      async () => {
        runs.push(Date.now());
        if (hold) await new Promise<void>((resolve) => (release = resolve));
      },
      () => (coalesced += 1),
      () => Date.now(),
    );
    return {
      coalescer,
      runs,
      coalesced: () => coalesced,
      holdRuns: (on: boolean) => (hold = on),
      finishRun: () => release?.(),
    };
  };

  it('runs at once when idle', () => {
    const { coalescer, runs } = setup(100);
    expect(coalescer.request()).toBe(false);
    expect(runs).toEqual([1_000_000]);
  });

  it('merges asks inside the interval into one run at its end', async () => {
    const { coalescer, runs, coalesced } = setup(100);
    coalescer.request();
    await jest.advanceTimersByTimeAsync(10);
    for (let i = 0; i < 5; i++) coalescer.request();
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(89);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toEqual([1_000_000, 1_000_100]);
    // The first ask after the run is the one that runs; the other four merged into it.
    expect(coalesced()).toBe(4);
  });

  it('never runs twice at once: an ask during a run is one more run after it', async () => {
    const s = setup(0);
    s.holdRuns(true);
    s.coalescer.request();
    s.coalescer.request();
    s.coalescer.request();
    expect(s.runs).toHaveLength(1);
    s.holdRuns(false);
    s.finishRun();
    await jest.advanceTimersByTimeAsync(0);
    expect(s.runs).toHaveLength(2);
  });

  it('does nothing once stopped', async () => {
    const { coalescer, runs } = setup(100);
    coalescer.request();
    coalescer.request();
    coalescer.stop();
    await jest.advanceTimersByTimeAsync(500);
    expect(runs).toHaveLength(1);
    expect(coalescer.request()).toBe(false);
    expect(runs).toHaveLength(1);
  });
});

describe('LatestPerKey', () => {
  it('keeps only the latest value per key, in the order of the latest changes', () => {
    const waiting = new LatestPerKey<string, number>();
    expect(waiting.offer('summary', 1)).toBe(false);
    expect(waiting.offer('stats', 2)).toBe(false);
    expect(waiting.offer('summary', 3)).toBe(true);
    expect(waiting.size).toBe(2);
    expect(waiting.take()).toEqual([2, 3]);
    expect(waiting.size).toBe(0);
    expect(waiting.take()).toEqual([]);
  });
});
