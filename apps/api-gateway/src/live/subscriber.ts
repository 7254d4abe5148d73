import type { LiveView } from '@ledgerline/contracts';
import { LatestPerKey } from './coalescer';
import { eventsDropped, eventsSent, pushLag } from './live.metrics';
import { sseEvent } from './sse';

export type EventKind = 'snapshot' | 'update';

/**
 * One view's figures at one version, encoded once per kind and transport and
 * shared by every subscriber it goes to.
 */
export class Frame {
  private readonly encoded = new Map<string, Buffer>();

  constructor(
    readonly view: LiveView,
    readonly month: string,
    readonly version: string,
    /** The event's `data`: `{"view","month","version","body"}`. */
    readonly data: string,
    /** Its feed's change counter: a subscriber never gets a frame older than one it had. */
    readonly seq: number,
    /** When the earliest change it carries was applied (epoch ms), for push lag; absent on a first read. */
    readonly changedAtMs: number | undefined,
  ) {}

  bytes(transport: 'sse' | 'ws', kind: EventKind): Buffer {
    const key = `${transport}:${kind}`;
    let bytes = this.encoded.get(key);
    if (!bytes) {
      bytes = Buffer.from(
        transport === 'sse' ? sseEvent(kind, this.version, this.data) : `{"type":${JSON.stringify(kind)},${this.data.slice(1)}`,
      );
      this.encoded.set(key, bytes);
    }
    return bytes;
  }
}

/** What a subscriber writes to: an SSE response or a WebSocket. */
export interface Transport {
  readonly kind: 'sse' | 'ws';
  /** More is waiting to leave than the socket should hold: further frames wait (latest per view) for `onDrain`. */
  congested(): boolean;
  write(bytes: Buffer): void;
  heartbeat(): void;
  /** Ends the stream; `reason` for the client (an SSE event / a WebSocket close reason). */
  close(reason: 'key-revoked' | 'shutting-down' | 'error', detail?: string): void;
  onDrain(listener: () => void): void;
}

/**
 * One open stream: its subscription, and what it was last sent per view. A
 * congested socket holds only the latest frame per view, sent once it drains.
 */
export class Subscriber {
  /** Per view: the seq of the last frame sent or waiting (undefined: its snapshot is not out yet). */
  private readonly sent = new Map<LiveView, number>();
  private readonly waiting = new LatestPerKey<LiveView, { frame: Frame; kind: EventKind }>();
  closed = false;

  constructor(
    readonly id: string,
    readonly tenantId: string,
    readonly keyId: string,
    readonly transport: Transport,
    public month: string,
    public views: readonly LiveView[],
  ) {
    transport.onDrain(() => this.flush());
  }

  /** Starts a view over (a new subscription): the next frame for it goes out whatever it is. */
  reset(view: LiveView): void {
    this.sent.delete(view);
  }

  /** Sends the first frame of a view: a snapshot, or — resuming after `resumeFrom` — an update only if it is newer. */
  start(frame: Frame, resumeFrom: bigint | undefined): void {
    this.sent.set(frame.view, frame.seq);
    if (resumeFrom !== undefined && BigInt(frame.version) <= resumeFrom) return;
    this.deliver(frame, resumeFrom === undefined ? 'snapshot' : 'update');
  }

  /** A newer frame of a view this subscriber has started; older or repeated ones are ignored. */
  update(frame: Frame): void {
    const last = this.sent.get(frame.view);
    if (last === undefined || frame.seq <= last) return;
    this.sent.set(frame.view, frame.seq);
    this.deliver(frame, 'update');
  }

  private deliver(frame: Frame, kind: EventKind): void {
    if (this.closed) return;
    if (this.waiting.size > 0 || this.transport.congested()) {
      if (this.waiting.offer(frame.view, { frame, kind })) eventsDropped.inc();
      return;
    }
    this.write(frame, kind);
  }

  private flush(): void {
    for (const { frame, kind } of this.waiting.take()) {
      if (this.closed) return;
      this.write(frame, kind);
    }
  }

  private write(frame: Frame, kind: EventKind): void {
    this.transport.write(frame.bytes(this.transport.kind, kind));
    eventsSent.inc({ kind });
    if (kind === 'update' && frame.changedAtMs !== undefined) pushLag.observe(Math.max(0, Date.now() - frame.changedAtMs) / 1000);
  }
}
