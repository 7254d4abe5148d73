interface Waiter {
  version: bigint;
  release: () => void;
}

/**
 * Lets a change that arrived ahead of its predecessor wait a moment for it,
 * instead of being refused at once. Two writers of a tenant publish their
 * own commits, and the later one's message can reach the stream first; its
 * predecessor then follows within milliseconds, while a refusal costs a
 * locked transaction, a nak and a redelivery after a back-off. A predecessor
 * that does not come in time (lost between commit and publish, left to the
 * outbox relay) gets the refusal as before.
 */
export class Predecessors {
  private readonly waiting = new Map<string, Set<Waiter>>();

  constructor(private readonly waitMs: number) {}

  /** Resolves at once unless `version` is past the one after `applied` (unknown: at once); then when it is not, or after the wait. */
  wait(key: string, version: bigint, applied: bigint | undefined): Promise<void> {
    if (applied === undefined || version <= applied + 1n) return Promise.resolve();
    let waiters = this.waiting.get(key);
    if (!waiters) this.waiting.set(key, (waiters = new Set()));
    const set = waiters;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        version,
        release: () => {
          clearTimeout(timer);
          set.delete(waiter);
          if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
          resolve();
        },
      };
      const timer = setTimeout(waiter.release, this.waitMs);
      set.add(waiter);
    });
  }

  /** The key's changes up to `watermark` are applied: what waited for them goes on. */
  applied(key: string, watermark: bigint): void {
    const waiters = this.waiting.get(key);
    if (!waiters) return;
    for (const waiter of [...waiters]) if (waiter.version <= watermark + 1n) waiter.release();
  }
}
