import type pino from 'pino';
import type { AlertmanagerWebhookV4 } from './alertmanager-payload';

export interface WebhookOptions {
  urls: readonly string[];
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with jitter. */
  backoffMs: number;
  timeoutMs: number;
  logger: pino.Logger;
  /** Undelivered payloads kept per receiver before the oldest are dropped. */
  maxQueue?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers payloads to every webhook in the background: `send` only enqueues,
 * so a slow or dead receiver never delays rule evaluation. Each receiver has
 * its own queue (order kept) and bounded retries with exponential backoff.
 */
export class WebhookNotifier {
  private readonly queues = new Map<string, AlertmanagerWebhookV4[]>();
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: WebhookOptions) {
    for (const url of options.urls) this.queues.set(url, []);
  }

  send(payload: AlertmanagerWebhookV4): void {
    if (this.closed) return;
    for (const [url, queue] of this.queues) {
      queue.push(payload);
      const max = this.options.maxQueue ?? 1_000;
      if (queue.length > max) {
        queue.splice(0, queue.length - max);
        this.options.logger.warn({ url }, 'webhook queue full: dropped the oldest notifications');
      }
      if (!this.running.has(url)) {
        this.running.set(
          url,
          this.drainQueue(url, queue).finally(() => this.running.delete(url)),
        );
      }
    }
  }

  /** Waits for the queued deliveries (used at shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  close(): void {
    this.closed = true;
  }

  private async drainQueue(url: string, queue: AlertmanagerWebhookV4[]): Promise<void> {
    for (let payload = queue.shift(); payload; payload = queue.shift()) {
      await this.deliver(url, payload);
    }
  }

  private async deliver(url: string, payload: AlertmanagerWebhookV4): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        // 4xx other than 408/429 will not get better by retrying.
        if (res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.options.logger.error({ url, status: res.status }, 'webhook rejected the notification');
          return;
        }
      } catch (error) {
        this.options.logger.warn({ url, attempt, err: error }, 'webhook delivery failed');
      }
      if (attempt < this.options.maxAttempts && !this.closed) {
        const delay = this.options.backoffMs * 2 ** (attempt - 1);
        await sleep(delay / 2 + Math.random() * (delay / 2));
      }
    }
    this.options.logger.error({ url, alert: payload.groupKey }, 'webhook notification dropped after retries');
  }
}
