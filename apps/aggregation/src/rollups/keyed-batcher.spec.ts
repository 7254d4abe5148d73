import { KeyedBatcher } from './keyed-batcher';
import { KeyedQueue } from './keyed-queue';

const tick = () => new Promise((r) => setImmediate(r));
const fulfilled = <T>(values: readonly T[]): PromiseSettledResult<T>[] => values.map((value) => ({ status: 'fulfilled', value }));

describe('KeyedBatcher', () => {
  /** A runner that records its batches and takes one tick per batch, as a transaction would. */
  function recording() {
    const batches: string[][] = [];
    const run = async (key: string, items: readonly string[]) => {
      batches.push([key, ...items]);
      await tick();
      return fulfilled(items.map((item) => `${item}!`));
    };
    return { batches, run };
  }

  it('runs an item alone when its key is idle', async () => {
    const { batches, run } = recording();
    const batcher = new KeyedBatcher(new KeyedQueue(), 10, run);
    await expect(batcher.submit('t1', 'a')).resolves.toBe('a!');
    expect(batches).toEqual([['t1', 'a']]);
  });

  it('gathers what arrives while the key is busy into the next batch, each caller getting its own result', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new KeyedBatcher(new KeyedQueue(), 10, async (key, items: readonly string[]) => {
      batches.push([key, ...items]);
      if (items.includes('a')) await gate; // the first batch holds the key until released
      return fulfilled(items.map((item) => `${item}!`));
    });
    const first = batcher.submit('t1', 'a');
    await tick();
    expect(batches).toEqual([['t1', 'a']]);
    const later = ['b', 'c', 'd'].map((item) => batcher.submit('t1', item));
    const other = batcher.submit('t2', 'x');
    await tick();
    expect(batches).toEqual([
      ['t1', 'a'],
      ['t2', 'x'],
    ]);
    release();
    expect(await Promise.all([first, ...later, other])).toEqual(['a!', 'b!', 'c!', 'd!', 'x!']);
    expect(batches).toEqual([
      ['t1', 'a'],
      ['t2', 'x'],
      ['t1', 'b', 'c', 'd'],
    ]);
  });

  it('never runs two batches of one key at once, nor one beside another task of its queue', async () => {
    const queue = new KeyedQueue();
    let running = 0;
    let overlap = false;
    const batcher = new KeyedBatcher(queue, 3, async (_key, items: readonly number[]) => {
      running += 1;
      overlap ||= running > 1;
      await tick();
      running -= 1;
      return fulfilled(items);
    });
    const submitted = Array.from({ length: 10 }, (_, i) => batcher.submit('t', i));
    const rebuild = queue.run('t', async () => {
      running += 1;
      overlap ||= running > 1;
      await tick();
      running -= 1;
      return 'rebuilt';
    });
    expect(await Promise.all(submitted)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(rebuild).resolves.toBe('rebuilt');
    expect(overlap).toBe(false);
  });

  it('caps a batch at maxBatch items', async () => {
    const { batches, run } = recording();
    const batcher = new KeyedBatcher(new KeyedQueue(), 2, run);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => batcher.submit('t', item)));
    expect(batches).toEqual([
      ['t', 'a', 'b'],
      ['t', 'c', 'd'],
      ['t', 'e'],
    ]);
  });

  it("hands a failed batch's error to each of its callers, and the key keeps going", async () => {
    let fail = true;
    const batcher = new KeyedBatcher(new KeyedQueue(), 10, async (_key, items: readonly string[]) => {
      if (fail) throw new Error('database said no');
      return fulfilled(items);
    });
    const failed = [batcher.submit('t', 'a'), batcher.submit('t', 'b')];
    for (const f of failed) await expect(f).rejects.toThrow('database said no');
    fail = false;
    await expect(batcher.submit('t', 'c')).resolves.toBe('c');
  });

  it('fails only the caller whose item failed', async () => {
    const batcher = new KeyedBatcher(new KeyedQueue(), 10, async (_key, items: readonly string[]) =>
      items.map((item): PromiseSettledResult<string> =>
        item === 'bad' ? { status: 'rejected', reason: new Error('refused') } : { status: 'fulfilled', value: item },
      ),
    );
    const [good, bad] = [batcher.submit('t', 'good'), batcher.submit('t', 'bad')];
    await expect(good).resolves.toBe('good');
    await expect(bad).rejects.toThrow('refused');
  });

  it('refuses a runner that loses results', async () => {
    const batcher = new KeyedBatcher<string, string>(new KeyedQueue(), 10, async () => []);
    await expect(batcher.submit('t', 'a')).rejects.toThrow('batch of 1 got 0 results');
  });
});
