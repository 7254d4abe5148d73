import { Frame, Subscriber, type Transport } from './subscriber';

class FakeTransport implements Transport {
  readonly kind = 'sse' as const;
  readonly written: string[] = [];
  blocked = false;
  private drain: (() => void) | undefined;

  congested(): boolean {
    return this.blocked;
  }
  write(bytes: Buffer): void {
    this.written.push(bytes.toString());
  }
  heartbeats = 0;
  closed = false;
  heartbeat(): void {
    this.heartbeats += 1;
  }
  close(): void {
    this.closed = true;
  }
  onDrain(listener: () => void): void {
    this.drain = listener;
  }
  unblock(): void {
    this.blocked = false;
    this.drain?.();
  }
}

const frame = (view: 'summary' | 'stats', seq: number, version = String(seq)) =>
  new Frame(view, '2026-03', version, `{"view":"${view}","version":"${version}"}`, seq, undefined);
const ids = (t: FakeTransport) => t.written.map((w) => /event: (\w+)\nid: (\d+)/.exec(w)?.slice(1, 3).join(' '));

describe('Subscriber', () => {
  it('sends a snapshot first, then only newer frames of each view', () => {
    const t = new FakeTransport();
    const s = new Subscriber('s', 't', 'k', t, '2026-03', ['summary']);
    s.update(frame('summary', 1)); // before its snapshot: ignored, the snapshot carries it
    s.start(frame('summary', 2), undefined);
    s.update(frame('summary', 2));
    s.update(frame('summary', 1));
    s.update(frame('summary', 3));
    expect(ids(t)).toEqual(['snapshot 2', 'update 3']);
  });

  it('resuming, sends a view only if it changed since Last-Event-ID, as an update', () => {
    const t = new FakeTransport();
    const s = new Subscriber('s', 't', 'k', t, '2026-03', ['summary', 'stats']);
    s.start(frame('summary', 1, '7'), 7n);
    s.start(frame('stats', 1, '9'), 7n);
    s.update(frame('summary', 2, '10'));
    expect(ids(t)).toEqual(['update 9', 'update 10']);
  });

  it('while its socket is congested, holds only the latest frame per view and sends them when it drains', () => {
    const t = new FakeTransport();
    const s = new Subscriber('s', 't', 'k', t, '2026-03', ['summary', 'stats']);
    s.start(frame('summary', 1), undefined);
    s.start(frame('stats', 1), undefined);
    t.blocked = true;
    for (let seq = 2; seq <= 50; seq++) s.update(frame('summary', seq));
    s.update(frame('stats', 2));
    expect(t.written).toHaveLength(2);
    t.unblock();
    expect(ids(t)).toEqual(['snapshot 1', 'snapshot 1', 'update 50', 'update 2']);
  });

  it('writes nothing once closed', () => {
    const t = new FakeTransport();
    const s = new Subscriber('s', 't', 'k', t, '2026-03', ['summary']);
    s.start(frame('summary', 1), undefined);
    s.closed = true;
    s.update(frame('summary', 2));
    expect(t.written).toHaveLength(1);
  });

  it('encodes a frame once per transport and kind: SSE event, WebSocket JSON message', () => {
    const f = frame('summary', 4);
    expect(f.bytes('sse', 'update')).toBe(f.bytes('sse', 'update'));
    expect(f.bytes('sse', 'update').toString()).toBe('event: update\nid: 4\ndata: {"view":"summary","version":"4"}\n\n');
    expect(JSON.parse(f.bytes('ws', 'snapshot').toString())).toEqual({ type: 'snapshot', view: 'summary', version: '4' });
  });
});
