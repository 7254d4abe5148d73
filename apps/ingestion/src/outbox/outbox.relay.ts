import { DrainWorker, LOGGER, type PassResult } from '@ledgerline/runtime';
import { TRANSACTIONS_STREAM } from '@ledgerline/contracts';
import { DUPLICATE_WINDOW_NS, ensureStream, NatsBus } from '@ledgerline/messaging';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { OutboxRepository } from './outbox.repository';

const BATCH = 500;
/** The fallback for entries no kick reached (a crash between commit and publish, another replica's entries). */
const POLL_MS = 1_000;
/**
 * Another replica holds the relay: try again soon, so a write committed meanwhile is not left for the
 * poll — 2 ms, doubling while it stays busy (up to 128 ms), so a long run elsewhere is not hammered.
 */
const BUSY_RETRY_MS = 2;
const BUSY_RETRY_MAX_MS = 128;
/** Published entries are kept as long as JetStream would drop their re-publication, then pruned. */
const KEEP_PUBLISHED_MS = DUPLICATE_WINDOW_NS / 1e6;
const PRUNE_EVERY_MS = 60_000;

/**
 * Moves committed outbox entries to JetStream, right after each commit (the
 * writer kicks it) and on a poll. One relay at a time across replicas (a
 * transaction-scoped advisory lock), publishing in outbox order, so a
 * tenant's changes reach the stream in version order. Publishing uses the
 * event id as Nats-Msg-Id: a crash between publish and "mark published"
 * re-sends a message the stream drops as a duplicate. While NATS is down
 * writes still commit; the relay catches up on return.
 */
@Injectable()
export class OutboxRelay extends DrainWorker {
  protected readonly pollMs = POLL_MS;
  private js: JetStreamClient | undefined;
  private lastPrune = 0;
  private busyRetryMs = BUSY_RETRY_MS;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {
    super();
  }

  protected passFailed(err: unknown): void {
    this.logger.warn({ err: (err as Error).message }, 'outbox relay paused');
  }

  /** One pass; while another replica holds the relay, again after 2 ms, doubling up to 128 ms. */
  protected async pass(): Promise<PassResult> {
    if (!(await this.drain())) {
      this.busyRetryMs = BUSY_RETRY_MS;
      return;
    }
    const retryInMs = this.busyRetryMs;
    this.busyRetryMs = Math.min(BUSY_RETRY_MAX_MS, this.busyRetryMs * 2);
    return { retryInMs };
  }

  /** Resolves once everything committed so far is on the stream (used by tests and shutdown). */
  async flush(): Promise<void> {
    while ((await this.outbox.pendingCount()) > 0) {
      this.kick();
      await this.idle();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Publishes what is pending; true when another replica was relaying (try again shortly). */
  private async drain(): Promise<boolean> {
    if (!this.bus.isConnected) return false;
    const js = await this.jetstream();
    for (;;) {
      const relayed = await this.outbox.withPending(BATCH, async (entries, em) => {
        // Sent back to back and confirmed together: one connection keeps their order on the stream.
        await Promise.all(entries.map((entry) => js.publish(entry.subject, JSON.stringify(entry.payload), { msgID: entry.eventId })));
        await this.outbox.markPublished(em, entries);
        return entries.length;
      });
      if (relayed === 'busy') return true;
      if (relayed < BATCH) break;
    }
    await this.prune();
    return false;
  }

  private async prune(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const pruned = await this.outbox.prunePublished(KEEP_PUBLISHED_MS);
    if (pruned > 0) this.logger.info({ pruned }, 'outbox: published entries pruned');
  }

  private async jetstream(): Promise<JetStreamClient> {
    if (this.js) return this.js;
    await ensureStream(this.bus.connection, TRANSACTIONS_STREAM);
    this.js = jetstream(this.bus.connection);
    return this.js;
  }
}
