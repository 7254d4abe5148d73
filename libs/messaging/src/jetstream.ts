import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { faults, metricsRegistry } from '@ledgerline/runtime';
import { Counter } from 'prom-client';
import type pino from 'pino';
import { jetStreamSettings } from './jetstream-settings';

/** JetStream drops a re-publish of the same Nats-Msg-Id inside this window. */
export const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** Retention of this stream, over the deployment-wide JETSTREAM_MAX_AGE_HOURS. */
  maxAgeNs?: number;
}

/** Creates the stream or brings its config up to date: producers and consumers may start in any order. */
export async function ensureStream(connection: NatsConnection, stream: StreamSpec): Promise<void> {
  const jsm = await jetstreamManager(connection);
  const settings = jetStreamSettings();
  const config = {
    subjects: [...stream.subjects],
    duplicate_window: DUPLICATE_WINDOW_NS,
    ...settings,
    max_age: stream.maxAgeNs ?? settings.max_age,
  };
  try {
    await jsm.streams.info(stream.name);
    await jsm.streams.update(stream.name, config);
  } catch {
    await jsm.streams.add({ name: stream.name, ...config });
  }
}

export interface DurableConsumerOptions {
  connection: NatsConnection;
  stream: StreamSpec;
  durable: string;
  /** Only the stream's messages on this subject (a partition's); all of them when absent. */
  filterSubject?: string;
  /** The fault-injection target of every message (FAULTS), instead of its own subject. */
  faultTarget?: string;
  logger: pino.Logger;
  /**
   * Throwing makes the message come back later (nak with a delay growing with
   * its deliveries); resolving acks it. Called for messages in stream order
   * without waiting for earlier ones to settle, up to `maxInFlight` at once:
   * the handler batches or orders them itself.
   */
  handle: (data: unknown) => Promise<void>;
  /** Messages handed out and not yet settled; also the consumer's max_ack_pending. */
  maxInFlight?: number;
  /** Deliveries after which a message goes to the dead-letter stream instead of coming back. */
  maxDeliveries?: number;
  /** Told of each message sent to the dead-letter stream (its data may not even be JSON). */
  onDeadLetter?: (data: unknown, reason: string) => Promise<void>;
}

/** Thrown by a handler for a message no retry can fix (it does not match its contract): dead-lettered at once. */
export class UnprocessableMessage extends Error {}

/** Where messages that kept failing go: kept (30 days) for an operator, counted, alerted on. */
export const DEAD_LETTER_STREAM: StreamSpec = { name: 'DEAD_LETTERS', subjects: ['deadletter.>'], maxAgeNs: 30 * 24 * 3600 * 1e9 };

const deadLetters = new Counter({
  name: 'ledgerline_dead_letters_total',
  help: 'Messages moved to the dead-letter stream after failing every delivery, by stream and consumer',
  labelNames: ['stream', 'consumer'] as const,
  registers: [metricsRegistry],
});

const RETRY_DELAY_MS = 1_000;
const NAK_BASE_MS = 50;
const NAK_MAX_MS = 5_000;
const decoder = new TextDecoder();

/**
 * A durable pull consumer with explicit acks that keeps consuming across NATS
 * restarts: when the message iterator ends or fails it is opened again. A
 * message that fails `maxDeliveries` times is moved to the dead-letter stream
 * with the reason, so one poison message cannot be retried forever.
 */
export class DurableConsumer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private close: (() => Promise<void>) | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: DurableConsumerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops pulling, then lets the messages already handed out settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.close?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  private get maxInFlight(): number {
    return this.options.maxInFlight ?? 256;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.consume();
      } catch (err) {
        if (!this.stopped) this.options.logger.warn({ err: (err as Error).message }, `consumer ${this.options.durable} paused`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    }
  }

  private async consume(): Promise<void> {
    const { connection, stream, durable, filterSubject } = this.options;
    if (connection.isClosed()) return;
    await ensureStream(connection, stream);
    const jsm = await jetstreamManager(connection);
    // An update sets the filter on a consumer created without one: it keeps its position (an upgrade).
    const config = { ack_wait: 30 * 1e9, max_ack_pending: this.maxInFlight, ...(filterSubject ? { filter_subject: filterSubject } : {}) };
    try {
      await jsm.consumers.info(stream.name, durable);
      await jsm.consumers.update(stream.name, durable, config);
    } catch {
      await jsm.consumers.add(stream.name, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...config,
      });
    }
    const consumer = await jetstream(connection).consumers.get(stream.name, durable);
    const messages = await consumer.consume({ max_messages: this.maxInFlight });
    this.close = async () => {
      await messages.close();
    };
    // Stopped while this was being set up (a partition handed over at once): no close reached these messages.
    if (this.stopped) await messages.close();
    for await (const msg of messages) {
      if (this.stopped) {
        // Pulled but not handed out: back to the stream at once, for whoever consumes next (not after ack_wait).
        msg.nak();
        continue;
      }
      const settled = this.handle(msg).finally(() => this.inFlight.delete(settled));
      this.inFlight.add(settled);
      if (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let data: unknown;
    try {
      data = JSON.parse(decoder.decode(msg.data));
      if (faults.any) await faults.apply(this.options.faultTarget ?? msg.subject);
      await this.options.handle(data);
      msg.ack();
    } catch (err) {
      const reason = (err as Error).message;
      const deliveries = msg.info.deliveryCount;
      if (data === undefined || err instanceof UnprocessableMessage || deliveries >= (this.options.maxDeliveries ?? 20)) {
        await this.deadLetter(msg, data, reason);
        return;
      }
      this.options.logger.warn({ seq: msg.seq, deliveries, err: reason }, 'message not handled; will retry');
      msg.nak(Math.min(NAK_MAX_MS, NAK_BASE_MS * 2 ** (deliveries - 1)));
    }
  }

  private async deadLetter(msg: JsMsg, data: unknown, reason: string): Promise<void> {
    const { connection, stream, durable, logger } = this.options;
    try {
      await ensureDeadLetterStream(connection);
      const h = headers();
      h.set('Ledgerline-Dead-Reason', reason.replace(/\s+/g, ' ').slice(0, 500));
      h.set('Ledgerline-Dead-From', `${stream.name}/${durable}/${msg.seq}`);
      await jetstream(connection).publish(`deadletter.${msg.subject}`, msg.data, { headers: h, msgID: `${durable}:${msg.seq}` });
      await this.options.onDeadLetter?.(data, reason);
    } catch (err) {
      // Not parked: it comes back, and parking is tried again.
      logger.error({ seq: msg.seq, err: (err as Error).message }, 'could not park a failing message');
      msg.nak(NAK_MAX_MS);
      return;
    }
    deadLetters.inc({ stream: stream.name, consumer: durable });
    logger.error({ seq: msg.seq, subject: msg.subject, reason }, 'message moved to the dead-letter stream');
    msg.ack();
  }
}

let deadLetterStreamReady: Promise<void> | undefined;

/** Once per process (the stream outlives it): a failure is tried again on the next dead letter. */
function ensureDeadLetterStream(connection: NatsConnection): Promise<void> {
  deadLetterStreamReady ??= ensureStream(connection, DEAD_LETTER_STREAM).catch((err: unknown) => {
    deadLetterStreamReady = undefined;
    throw err;
  });
  return deadLetterStreamReady;
}
