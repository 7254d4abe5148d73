import { Predecessors } from './predecessors';

describe('a change ahead of its predecessor', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settledAfter = async (promise: Promise<void>) => {
    let settled = false;
    void promise.then(() => (settled = true));
    await Promise.resolve();
    await Promise.resolve();
    return () => settled;
  };

  it('goes on at once when it continues what is applied, is older, or nothing is known yet', async () => {
    const gaps = new Predecessors(100);
    for (const [version, applied] of [
      [6n, 5n],
      [3n, 5n],
      [9n, undefined],
    ] as const) {
      expect((await settledAfter(gaps.wait('t', version, applied)))()).toBe(true);
    }
  });

  it('waits until its predecessor is applied, then goes on; other keys do not release it', async () => {
    const gaps = new Predecessors(100);
    const seven = await settledAfter(gaps.wait('t', 7n, 5n));
    expect(seven()).toBe(false);
    gaps.applied('other', 10n);
    gaps.applied('t', 5n);
    await Promise.resolve();
    expect(seven()).toBe(false);
    gaps.applied('t', 6n);
    await Promise.resolve();
    expect(seven()).toBe(true);
  });

  it('waits no longer than its bound when the predecessor does not come', async () => {
    const gaps = new Predecessors(100);
    const late = await settledAfter(gaps.wait('t', 9n, 5n));
    jest.advanceTimersByTime(99);
    await Promise.resolve();
    expect(late()).toBe(false);
    jest.advanceTimersByTime(1);
    await Promise.resolve();
    expect(late()).toBe(true);
  });
});
