import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pino from 'pino';
import { jetStreamSettings } from './jetstream-settings';

/** JetStream drops a re-publish of the same Nats-Msg-Id inside this window. */
export const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
}

/** Creates the stream or brings its config up to date: producers and consumers may start in any order. */
export async function ensureStream(connection: NatsConnection, stream: StreamSpec): Promise<void> {
  const jsm = await jetstreamManager(connection);
  const config = { subjects: [...stream.subjects], duplicate_window: DUPLICATE_WINDOW_NS, ...jetStreamSettings() };
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
  logger: pino.Logger;
  /** Throwing makes the message come back later (nak with delay); resolving acks it. */
  handle: (data: unknown) => Promise<void>;
  /** Messages handled at once; a small number keeps a tenant's changes roughly in order. */
  maxMessages?: number;
}

const RETRY_DELAY_MS = 1_000;
const decoder = new TextDecoder();

/**
 * A durable pull consumer with explicit acks that keeps consuming across NATS
 * restarts: when the message iterator ends or fails it is opened again.
 */
export class DurableConsumer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private close: (() => Promise<void>) | undefined;

  constructor(private readonly options: DurableConsumerOptions) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.close?.();
    await this.loop;
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
    const { connection, stream, durable } = this.options;
    if (connection.isClosed()) return;
    await ensureStream(connection, stream);
    const jsm = await jetstreamManager(connection);
    try {
      await jsm.consumers.info(stream.name, durable);
    } catch {
      await jsm.consumers.add(stream.name, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30 * 1e9,
      });
    }
    const consumer = await jetstream(connection).consumers.get(stream.name, durable);
    const messages = await consumer.consume({ max_messages: this.options.maxMessages ?? 16 });
    this.close = async () => {
      await messages.close();
    };
    for await (const msg of messages) {
      if (this.stopped) break;
      await this.handle(msg);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    try {
      await this.options.handle(JSON.parse(decoder.decode(msg.data)));
      msg.ack();
    } catch (err) {
      this.options.logger.warn({ seq: msg.seq, err: (err as Error).message }, 'event not applied; will retry');
      msg.nak(RETRY_DELAY_MS);
    }
  }
}
