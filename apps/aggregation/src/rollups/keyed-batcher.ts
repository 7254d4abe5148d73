import type { KeyedQueue } from './keyed-queue';

interface Batch<I, O> {
  items: I[];
  results: Promise<PromiseSettledResult<O>[]>;
}

/**
 * Group commit on top of a KeyedQueue: items submitted for a key while that
 * key's queue is busy wait together and are handed to `run` as one batch
 * when their turn comes, instead of one turn each. A write that would have
 * queued behind n others for n turns rides along with them in one.
 * Each caller gets the outcome at its item's index: one item can fail alone,
 * and a batch that fails as a whole fails every caller in it.
 */
export class KeyedBatcher<I, O> {
  private readonly waiting = new Map<string, Batch<I, O>>();

  constructor(
    private readonly queue: KeyedQueue,
    private readonly maxBatch: number,
    private readonly run: (key: string, items: readonly I[]) => Promise<PromiseSettledResult<O>[]>,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${maxBatch}`);
  }

  async submit(key: string, item: I): Promise<O> {
    let batch = this.waiting.get(key);
    if (!batch || batch.items.length >= this.maxBatch) {
      const items: I[] = [];
      const next: Batch<I, O> = {
        items,
        results: this.queue.run(key, () => {
          // Its turn: what joined so far is the batch; later items wait for the next turn.
          if (this.waiting.get(key) === next) this.waiting.delete(key);
          return this.run(key, items);
        }),
      };
      this.waiting.set(key, next);
      batch = next;
    }
    const index = batch.items.push(item) - 1;
    const results = await batch.results;
    const result = results[index];
    if (results.length !== batch.items.length || !result) throw new Error(`batch of ${batch.items.length} got ${results.length} results`);
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }
}
