import { DrainWorker, LOGGER } from '@ledgerline/runtime';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import type { AggregationConfig } from '../config';
import { AGGREGATION_CONFIG } from '../tokens';
import { nextAttemptAt, type RetryPolicy } from './delivery-schedule';
import { countAttempt } from './notifications.metrics';
import { signatureHeader, SIGNATURE_HEADER } from './webhook-signature';
import { postJson } from './webhook.sender';
import { RefusedTarget, resolveTarget, type TargetPolicy } from './webhook-target';
import { WebhooksRepository, type ClaimedDelivery } from './webhooks.repository';

/** Deliveries one replica sends at once. */
const BATCH = 16;

/**
 * Sends the webhook outbox: claims due deliveries (SKIP LOCKED, leased, so
 * replicas share the work and a crash only delays), re-checks each target
 * against the SSRF guard with a fresh DNS answer, POSTs the signed event,
 * and records the attempt; failures are retried with exponential backoff
 * until 24 h after the event. Never on a write's path: a threshold only
 * queues rows and wakes this worker.
 */
@Injectable()
export class WebhookWorker extends DrainWorker {
  protected readonly pollMs: number;
  private readonly retry: RetryPolicy;
  private readonly policy: TargetPolicy;

  constructor(
    private readonly repo: WebhooksRepository,
    @Inject(AGGREGATION_CONFIG) private readonly config: AggregationConfig,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {
    super();
    this.pollMs = config.WEBHOOK_POLL_MS;
    this.retry = { baseMs: config.WEBHOOK_BACKOFF_MS, maxMs: config.WEBHOOK_BACKOFF_MAX_MS, windowMs: config.WEBHOOK_RETRY_WINDOW_MS };
    this.policy = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true' };
  }

  protected passFailed(err: unknown): void {
    this.logger.warn({ err }, 'webhook worker pass failed');
  }

  protected async pass(): Promise<void> {
    // The lease outlasts one attempt's bound, so a delivery is never sent by two replicas at once.
    const leaseMs = this.config.WEBHOOK_TIMEOUT_MS * 3;
    for (
      let due = await this.repo.claimDue(BATCH, leaseMs);
      due.length > 0 && !this.stopped;
      due = await this.repo.claimDue(BATCH, leaseMs)
    ) {
      await Promise.all(due.map((delivery) => this.deliver(delivery)));
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.secret === null) return this.repo.cancel(delivery);
    const at = new Date();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const target = await resolveTarget(delivery.url, this.policy);
      const headers = {
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, delivery.body, Math.floor(Date.now() / 1000)),
        'user-agent': 'Ledgerline-Webhooks/1',
      };
      status = (await postJson(target, delivery.body, headers, this.config.WEBHOOK_TIMEOUT_MS)).status;
      if (status < 200 || status > 299) error = `answered ${status}`;
    } catch (err) {
      refused = err instanceof RefusedTarget;
      error = refused ? `refused: ${(err as Error).message}` : (err as Error).message || String(err);
    }
    const delivered = error === null;
    const next = delivered ? null : nextAttemptAt(this.retry, delivery.createdAt, delivery.attempts + 1, new Date());
    countAttempt(delivered ? 'delivered' : refused ? 'refused' : next === null ? 'failed' : 'retry');
    if (!delivered)
      this.logger.info({ deliveryId: delivery.id, tenantId: delivery.tenantId, error, retryAt: next }, 'webhook attempt failed');
    await this.repo.finish(delivery, { at, status, error, durationMs: performance.now() - started, delivered, nextAttemptAt: next });
  }
}
