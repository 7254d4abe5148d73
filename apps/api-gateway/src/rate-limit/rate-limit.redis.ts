import { RedisDeadline, type Redis } from '@ledgerline/runtime';
import { createHash } from 'node:crypto';
import { GCRA_LUA, GCRA_REFUND_LUA, type GcraOutcome } from './gcra';
import { WINDOW_LUA, WINDOW_REFUND_LUA, type WindowOutcome } from './sliding-window';

export type { Redis } from '@ledgerline/runtime';

const sha = (script: string) => createHash('sha1').update(script).digest('hex');
const SCRIPTS = [GCRA_LUA, GCRA_REFUND_LUA, WINDOW_LUA, WINDOW_REFUND_LUA].map((script) => ({ script, sha: sha(script) }));
type Script = (typeof SCRIPTS)[number];
const [GCRA, GCRA_REFUND, WINDOW, WINDOW_REFUND] = SCRIPTS as [Script, Script, Script, Script];

interface PendingStep {
  key: string;
  intervalUs: number;
  burst: number;
  resolve(outcome: GcraOutcome): void;
  reject(error: unknown): void;
}

/**
 * The only code that talks to Redis for rate limits, bounded by a timeout; a
 * timeout opens a short circuit so a hung Redis does not collect a queue of
 * commands, then the next request probes it.
 *
 * GCRA admissions are coalesced like a group commit: at most one batch is
 * on its way to Redis, and every step asked for meanwhile goes with the
 * next, as one script call (an idle store sends a step at once, before the
 * event loop waits for I/O again). Each decision is still taken atomically
 * in Redis, in arrival order, exactly as one call per request would take it —
 * one round trip, one socket write (on this VM a write syscall costs more
 * than the decision) and one span per batch instead of per request.
 */
export class RedisGcraStore {
  private readonly deadline: RedisDeadline;
  private pending: PendingStep[] = [];
  /** A flush is scheduled or a batch is waiting for Redis: new steps join the next batch. */
  private busy = false;

  constructor(redis: Redis, timeoutMs: number) {
    this.deadline = new RedisDeadline(redis, timeoutMs);
  }

  get available(): boolean {
    return this.deadline.available;
  }

  step(key: string, intervalUs: number, burst: number): Promise<GcraOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, intervalUs, burst, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) {
      this.busy = false;
      return;
    }
    const args: string[] = [];
    for (const step of batch) args.push(String(step.intervalUs), String(step.burst));
    this.run(
      GCRA,
      batch.map((step) => step.key),
      args,
    ).then(
      (result) => {
        const flat = result as number[];
        batch.forEach((step, i) => step.resolve({ allowed: flat[2 * i] === 1, tatOffsetUs: flat[2 * i + 1] ?? 0 }));
      },
      (error: unknown) => {
        for (const step of batch) step.reject(error);
      },
    ).finally(() => this.flush());
  }

  async refund(key: string, intervalUs: number): Promise<void> {
    await this.run(GCRA_REFUND, [key], [String(intervalUs)]);
  }

  /** One sliding-window admission; `member` names it for a refund. */
  async windowStep(key: string, windowUs: number, limit: number, member: string): Promise<WindowOutcome> {
    const [allowed, count, oldest, newest] = (await this.run(WINDOW, [key], [String(windowUs), String(limit), member])) as number[];
    return { allowed: allowed === 1, count: count ?? 0, oldestExpiresInUs: oldest ?? 0, newestExpiresInUs: newest ?? 0 };
  }

  async windowRefund(key: string, member: string): Promise<void> {
    await this.run(WINDOW_REFUND, [key], [member]);
  }

  private run(script: Script, keys: string[], args: string[]): Promise<unknown> {
    return this.deadline.run(async (redis) => {
      const options = { keys, arguments: args };
      try {
        return await redis.evalSha(script.sha, options);
      } catch (error) {
        // After a Redis restart the script cache is empty: load it by sending it once.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(script.script, options);
      }
    });
  }
}
