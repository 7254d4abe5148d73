/** What a pass may ask for: another pass after a short delay (e.g. another replica held the work). */
export type PassResult = void | { retryInMs: number };

export interface DrainLoopOptions {
  /** The fallback poll, for work nobody kicked for: another replica's, or what a crash left behind. */
  everyMs: number;
  /** A pass that threw; the loop goes on with the next kick or poll. */
  onError: (err: unknown) => void;
}

/**
 * The loop of a background worker that drains a queue (tasks, imports, the
 * outbox, webhook deliveries): a pass runs at start, on every poll and
 * whenever the worker is kicked (right after it queued something); at most
 * one pass runs at a time, and a kick during a pass runs one more right after
 * it, so nothing kicked is left for the poll.
 */
export class DrainLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private halted = false;

  constructor(
    private readonly pass: () => Promise<PassResult>,
    private readonly options: DrainLoopOptions,
  ) {}

  /** True once stop() was called: a pass in progress should end at its next item. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.everyMs);
    this.kick();
  }

  /** Run a pass now, or right after the one in progress. */
  kick(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then((result) => {
        if (result && !this.halted) setTimeout(() => this.kick(), result.retryInMs);
      })
      .catch((err: unknown) => this.options.onError(err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Settles when no pass is running (now, or once the current one ends). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** No more passes; waits for the one in progress. */
  async stop(): Promise<void> {
    this.halted = true;
    clearInterval(this.timer);
    await this.running;
  }
}
