import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DrainLoop, type PassResult } from './drain-loop';

/**
 * A background worker on a DrainLoop, run by Nest's lifecycle: it starts once
 * the application has booted and finishes its pass at shutdown; `kick()` runs
 * a pass now (right after the caller queued work). A subclass says what a
 * pass does, how often the fallback poll runs and how a failed pass is logged.
 */
export abstract class DrainWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private created: DrainLoop | undefined;

  /** The fallback poll (ms), for work nobody kicked for. */
  protected abstract readonly pollMs: number;
  protected abstract pass(): Promise<PassResult>;
  /** A pass threw; the loop goes on with the next kick or poll. */
  protected abstract passFailed(err: unknown): void;

  // Built on first use: a subclass's fields (its poll interval from config) are set only after this constructor.
  private get loop(): DrainLoop {
    return (this.created ??= new DrainLoop(() => this.pass(), { everyMs: this.pollMs, onError: (err) => this.passFailed(err) }));
  }

  /** True once shutdown began: a pass in progress should end at its next item. */
  protected get stopped(): boolean {
    return this.loop.stopped;
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Run a pass now (after queueing work), or right after the one in progress; coalesced. */
  kick(): void {
    this.loop.kick();
  }

  /** Settles when no pass is running (now, or once the current one ends). */
  protected idle(): Promise<void> {
    return this.loop.idle();
  }
}
