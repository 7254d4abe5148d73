import { DrainWorker, LOGGER, type PassResult } from '@ledgerline/runtime';
import { TRANSACTIONS_STREAM } from '@ledgerline/contracts';
import { DUPLICATE_WINDOW_NS, ensureStream, NatsBus } from '@ledgerline/messaging';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { OutboxRepository, type OutboxEntry } from './outbox.repository';

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
 * Entries their writer published are marked published by a pass this much later, many in one UPDATE:
 * a lone writer's change costs its publish, not a relay transaction of its own.
 */
const MARK_AFTER_MS = 100;

/**
 * Moves committed outbox entries to JetStream: a single-statement write's
 * entry is published by its writer right after the commit (and marked here a
 * moment later, with others); other writes kick a pass right after their
 * commit; a poll catches what neither reached. One pass at a time across
 * replicas (a transaction-scoped advisory lock), publishing in outbox order,
 * so a tenant's changes reach the stream in version order; the rare change a
 * writer's own publish puts ahead of its predecessor is refused by
 * aggregation and comes back after it. Publishing uses the
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
  /** Entries their writer is publishing (a pass leaves them alone), by outbox id. */
  private readonly publishing = new Set<string>();
  /** Entries their writer published, to be marked by the next pass (tenant by outbox id). */
  private readonly published = new Map<string, string>();
  private markTimer: NodeJS.Timeout | undefined;
  /** False from a pass that left entries behind (NATS down, a backlog) until one finds none left. */
  private caughtUp = false;
  /**
   * Counts entries handed to the relay by their writers. A pass that began before the last hand-off may not
   * have seen that entry, so it does not let writers publish their own again: a later writer's entry would
   * overtake it on the stream, and aggregation refuses a change until its predecessor is in, with a
   * back-off that grows past the write's bound under a burst (writers then heard applied: false).
   */
  private handOffs = 0;

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

  /**
   * Publishes a committed entry now, from its writer, instead of waiting for a pass to read it back: the
   * common case of a write path, one publish and no relay transaction. Only while the relay has no backlog,
   * so the entry does not overtake earlier ones of its tenant (one that still does — two replicas' writes
   * racing — is refused by aggregation and delivered again after its predecessor). A failed publish
   * leaves the entry to the relay.
   */
  publishCommitted(entry: OutboxEntry): void {
    if (!this.caughtUp || !this.js || !this.bus.isConnected) {
      this.handOff();
      return;
    }
    this.publishing.add(entry.id);
    this.js
      .publish(entry.subject, JSON.stringify(entry.payload), { msgID: entry.eventId })
      .then(() => {
        this.published.set(entry.id, entry.tenantId);
        // Unref'd: an entry left unmarked at exit is published again later, and JetStream drops the duplicate.
        this.markTimer ??= setTimeout(() => {
          this.markTimer = undefined;
          this.kick();
        }, MARK_AFTER_MS).unref();
      })
      .catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'outbox: publish after commit failed; left to the relay');
        this.handOff();
      })
      .finally(() => this.publishing.delete(entry.id));
  }

  /** The entry is the relay's to publish, and so is every later one until a pass has seen it. */
  private handOff(): void {
    this.handOffs++;
    this.caughtUp = false;
    this.kick();
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
    this.caughtUp = false;
    const handOffsSeen = this.handOffs;
    if (!this.bus.isConnected) return false;
    const js = await this.jetstream();
    for (;;) {
      // What writers published is marked with what this pass relays; it is not read back meanwhile.
      const marking = [...this.published].map(([id, tenantId]) => ({ id, tenantId }));
      const relayed = await this.outbox.withPending(BATCH, [...this.publishing, ...this.published.keys()], async (entries, em) => {
        // Sent back to back and confirmed together: one connection keeps their order on the stream.
        await Promise.all(entries.map((entry) => js.publish(entry.subject, JSON.stringify(entry.payload), { msgID: entry.eventId })));
        await this.outbox.markPublished(em, [...marking, ...entries]);
        return entries.length;
      });
      if (relayed === 'busy') return true;
      for (const { id } of marking) this.published.delete(id);
      if (relayed < BATCH) break;
    }
    // Everything this pass saw is on the stream: writers may publish their own entries again, unless one was
    // handed over meanwhile (its kick runs another pass, which will).
    this.caughtUp = this.handOffs === handOffsSeen;
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
