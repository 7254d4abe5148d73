import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { sseComment, sseEvent, sseRetry } from './sse';
import type { Transport } from './subscriber';

const HEARTBEAT = Buffer.from(sseComment('heartbeat'));
/** After a shutdown close, EventSource reconnects (to another replica) after this long. */
const RECONNECT_AFTER_SHUTDOWN_MS = 250;

/**
 * An SSE response. Congested when the socket's buffer passed its high-water
 * mark (`write` returned false): the response then emits `drain` once it is empty.
 */
export class SseTransport implements Transport {
  readonly kind = 'sse';

  constructor(private readonly res: ServerResponse) {}

  congested(): boolean {
    return this.res.writableNeedDrain;
  }

  write(bytes: Buffer): void {
    this.res.write(bytes);
  }

  heartbeat(): void {
    if (!this.res.writableNeedDrain) this.res.write(HEARTBEAT);
  }

  close(reason: 'key-revoked' | 'shutting-down' | 'error', detail?: string): void {
    if (this.res.writableEnded) return;
    if (reason === 'shutting-down') this.res.write(sseRetry(RECONNECT_AFTER_SHUTDOWN_MS));
    else this.res.write(sseEvent('closed', undefined, JSON.stringify({ reason, ...(detail ? { detail } : {}) })));
    this.res.end();
  }

  onDrain(listener: () => void): void {
    this.res.on('drain', listener);
  }
}

/** WebSocket close codes: 1001 going away (reconnect elsewhere); 4401 the key was revoked (do not retry with it). */
const CLOSE_CODES = { 'shutting-down': 1001, 'key-revoked': 4401, error: 1011 } as const;

/** A WebSocket. Congested like SSE, judged on the underlying TCP socket. */
export class WsTransport implements Transport {
  readonly kind = 'ws';

  constructor(private readonly socket: WebSocket) {}

  private get tcp(): Socket | undefined {
    return (this.socket as unknown as { _socket?: Socket })._socket;
  }

  congested(): boolean {
    return this.tcp?.writableNeedDrain ?? false;
  }

  write(bytes: Buffer): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(bytes, { binary: false });
  }

  heartbeat(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(reason: 'key-revoked' | 'shutting-down' | 'error', detail?: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.close(CLOSE_CODES[reason], (detail ?? reason).slice(0, 120));
  }

  onDrain(listener: () => void): void {
    this.tcp?.on('drain', listener);
  }
}
