/**
 * Runs `task` when asked, but at most once per `intervalMs` and never two at
 * once: asks that arrive while a run is in progress or too soon after the
 * last one are merged into one run at the earliest allowed time. Since the
 * run reads the current state, merged asks lose nothing: they get the latest.
 */
export class Coalescer {
  private lastStart = Number.NEGATIVE_INFINITY;
  private running = false;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
    private readonly onCoalesced: () => void = () => undefined,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a run; true when it merged into one already due (counted as coalesced). */
  request(): boolean {
    if (this.stopped) return false;
    if (this.running || this.timer !== undefined) {
      if (this.dirty || this.timer !== undefined) this.onCoalesced();
      this.dirty = true;
      return true;
    }
    this.schedule();
    return false;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const wait = this.lastStart + this.intervalMs - this.now();
    if (wait <= 0) {
      void this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    this.running = true;
    this.dirty = false;
    this.lastStart = this.now();
    try {
      await this.task();
    } finally {
      this.running = false;
      if (this.dirty && !this.stopped) {
        this.dirty = false;
        this.schedule();
      }
    }
  }
}

/** Values waiting for a congested socket: only the latest per key is kept. */
export class LatestPerKey<K, V> {
  private readonly waiting = new Map<K, V>();

  /** Keeps `value` as the one to send for `key`; true when it replaced an unsent older one. */
  offer(key: K, value: V): boolean {
    const replaced = this.waiting.has(key);
    // Delete first so the key moves to the end: the order sent is the order of the latest changes.
    this.waiting.delete(key);
    this.waiting.set(key, value);
    return replaced;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Everything waiting, oldest change first, and forgets it. */
  take(): V[] {
    const values = [...this.waiting.values()];
    this.waiting.clear();
    return values;
  }
}
