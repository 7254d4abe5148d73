import { TRANSACTIONS_STREAM } from '@ledgerline/contracts';
import { ensureStream, NatsBus } from '@ledgerline/messaging';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { INGESTION_LOGGER } from '../logger.token';
import { OutboxRepository } from './outbox.repository';

const BATCH = 200;
const POLL_MS = 1_000;

/**
 * Moves committed outbox entries to JetStream. Publishing uses the event id
 * as Nats-Msg-Id, so a crash between publish and "mark published" re-sends a
 * message the stream drops as a duplicate; consumers also dedupe by event id.
 * While NATS is down writes still commit; the relay catches up on return.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private js: JetStreamClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: NatsBus,
    @Inject(INGESTION_LOGGER) private readonly logger: pino.Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Relay now (after a commit) — coalesced with a run already in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'outbox relay paused'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once everything committed so far is on the stream (used by tests and shutdown). */
  async flush(): Promise<void> {
    while ((await this.outbox.pendingCount()) > 0) {
      this.kick();
      await this.running;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async drain(): Promise<void> {
    if (!this.bus.isConnected) return;
    const js = await this.jetstream();
    for (;;) {
      const relayed = await this.outbox.withPending(BATCH, async (entries, em) => {
        for (const entry of entries) {
          await js.publish(entry.subject, JSON.stringify(entry.payload), { msgID: entry.eventId });
        }
        await this.outbox.markPublished(
          em,
          entries.map((e) => e.id),
        );
        return entries.length;
      });
      if (relayed < BATCH) return;
    }
  }

  private async jetstream(): Promise<JetStreamClient> {
    if (this.js) return this.js;
    await ensureStream(this.bus.connection, TRANSACTIONS_STREAM);
    this.js = jetstream(this.bus.connection);
    return this.js;
  }
}
