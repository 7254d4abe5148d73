import { api, createTenant, e2e, SPEC_TENANT, startReplica } from '@ledgerline/testing';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

/**
 * Live dashboards through real clients: Server-Sent Events read with fetch's
 * streaming body (and node:http for a reader that stops reading), WebSockets
 * with the `ws` package. Every pushed body is compared with what a plain read
 * answers at the same version.
 */

const MONTH = '2026-03';
const VIEWS = ['summary', 'breakdown', 'stats'] as const;
/** A guard against a hang, not a performance assertion: an awaited event that never comes fails the test here. */
const EVENT_WAIT_MS = 20_000;

type Json = Record<string, unknown>;
interface LiveEvent {
  event: string;
  id: string | undefined;
  data: { view: string; month: string; version: string; body: Json };
}

/** Parses an SSE byte stream into events (and nothing else: comments and retry hints are skipped). */
class SseReader {
  readonly events: LiveEvent[] = [];
  ended = false;
  private buffer = '';
  private cursor = 0;
  private wake: (() => void) | undefined;

  feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || line === '') continue;
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        (fields[name] ??= []).push(line.slice(colon + 1).replace(/^ /, ''));
      }
      if (!fields.data) continue;
      this.events.push({
        event: fields.event?.[0] ?? 'message',
        id: fields.id?.[0],
        data: JSON.parse(fields.data.join('\n')) as LiveEvent['data'],
      });
    }
    this.wake?.();
  }

  finish(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The next event (after those already taken) that matches; fails if the stream ends or nothing comes in time. */
  async next(match: (e: LiveEvent) => boolean = () => true): Promise<LiveEvent> {
    const deadline = Date.now() + EVENT_WAIT_MS;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++] as LiveEvent;
        if (match(event)) return event;
      }
      if (this.ended) throw new Error('the stream ended');
      if (Date.now() > deadline) throw new Error('no matching event in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Any event received so far or later that matches, without taking events (updates of several views may come in any order). */
  async find(match: (e: LiveEvent) => boolean): Promise<LiveEvent> {
    const deadline = Date.now() + EVENT_WAIT_MS;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ended) throw new Error('the stream ended');
      if (Date.now() > deadline) throw new Error('no matching event in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

interface OpenStream {
  status: number;
  contentType: string | null;
  problem?: Json;
  retryAfter?: string | null;
  reader: SseReader;
  close(): void;
}

async function openSse(query: string, options: { key?: string; lastEventId?: string; baseUrl?: string } = {}): Promise<OpenStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const res = await fetch(`${options.baseUrl ?? e2e.gatewayUrl()}/v1/dashboard/live?${query}`, { headers, signal: controller.signal });
  const reader = new SseReader();
  const stream: OpenStream = { status: res.status, contentType: res.headers.get('content-type'), reader, close: () => controller.abort() };
  if (res.status !== 200) {
    stream.problem = (await res.json()) as Json;
    stream.retryAfter = res.headers.get('retry-after');
    reader.finish();
    return stream;
  }
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) reader.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // Aborted by the test.
    }
    reader.finish();
  })();
  return stream;
}

/** What a plain read answers for a view, at the given version or later, and the version it reflects. */
async function read(key: string, view: string, minVersion?: string, month = MONTH): Promise<{ version: string; body: Json }> {
  const res = await api<Json>('GET', `/v1/dashboard/${view}?month=${month}`, {
    key,
    headers: minVersion ? { 'ledgerline-min-version': minVersion } : {},
  });
  expect(res.status).toBe(200);
  return { version: res.headers.get('ledgerline-version') as string, body: res.body };
}

async function write(key: string, rows: Json[]): Promise<string> {
  const res = await api<{ version: string }>('POST', '/v1/transactions', { key, body: { transactions: rows } });
  expect(res.status).toBe(201);
  return res.body.version;
}

const atLeast = (version: string) => (e: LiveEvent) => BigInt(e.data.version) >= BigInt(version);

/** Waits for each view's update reaching `version` and checks it against a plain read at that version. */
async function expectUpdates(key: string, reader: SseReader, version: string, views: readonly string[] = VIEWS): Promise<void> {
  for (const view of views) {
    const update = await reader.find((e) => e.data.view === view && atLeast(version)(e));
    expect(update.event).toBe('update');
    expect(update.id).toBe(update.data.version);
    const plain = await read(key, view, update.data.version);
    expect(plain.version).toBe(update.data.version);
    expect(update.data.body).toEqual(plain.body);
  }
}

async function itemIds(key: string, category: string): Promise<string[]> {
  const res = await api<{ items: { id: string }[] }>('GET', `/v1/dashboard/drill-down/${category}?month=${MONTH}&level=transactions`, {
    key,
  });
  return res.body.items.map((i) => i.id);
}

async function gatewayMetric(name: string): Promise<number> {
  const text = await (await fetch(`${e2e.gatewayUrl()}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('live dashboards over Server-Sent Events', () => {
  let key: string;
  let stream: OpenStream;

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    await write(key, [
      { externalId: 'seed-1', date: `${MONTH}-03`, amount: '42.10', category: 'Groceries', member: 'm1' },
      { externalId: 'seed-2', date: `${MONTH}-05`, amount: '19.99', category: 'Transport', member: 'm2' },
    ]);
    stream = await openSse(`month=${MONTH}`, { key });
  });

  afterAll(() => stream.close());

  it('starts with one snapshot per view, exactly what a read at that version answers', async () => {
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    for (const view of VIEWS) {
      const snapshot = await stream.reader.find((e) => e.event === 'snapshot' && e.data.view === view);
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data.month).toBe(MONTH);
      const plain = await read(key, view, snapshot.data.version);
      expect(plain.version).toBe(snapshot.data.version);
      expect(snapshot.data.body).toEqual(plain.body);
    }
  });

  it('pushes an update per view with the exact new figures after a write', async () => {
    const version = await write(key, [{ date: `${MONTH}-10`, amount: '100.05', category: 'Groceries', member: 'm1' }]);
    await expectUpdates(key, stream.reader, version);
  });

  it('pushes updates after a PATCH and a DELETE', async () => {
    const [id] = await itemIds(key, 'Transport');
    const patched = await api('PATCH', `/v1/transactions/${id}`, { key, body: { category: 'Travel' } });
    expect(patched.status).toBe(200);
    await expectUpdates(key, stream.reader, patched.headers.get('ledgerline-version') as string);

    const [gone] = await itemIds(key, 'Groceries');
    const deleted = await api('DELETE', `/v1/transactions/${gone}`, { key });
    expect(deleted.status).toBe(204);
    await expectUpdates(key, stream.reader, deleted.headers.get('ledgerline-version') as string);
  });

  it('resumes with Last-Event-ID: first every view that changed since, so nothing is lost', async () => {
    const first = await openSse(`month=${MONTH}&views=summary,breakdown`, { key });
    const seen = await first.reader.next((e) => e.data.view === 'summary');
    first.close();
    await write(key, [{ date: `${MONTH}-11`, amount: '7.00', category: 'Coffee' }]);
    const latest = await write(key, [{ date: `${MONTH}-12`, amount: '8.00', category: 'Coffee' }]);

    const resumed = await openSse(`month=${MONTH}&views=summary,breakdown`, { key, lastEventId: seen.id as string });
    const replayed = [await resumed.reader.next(), await resumed.reader.next()];
    expect(replayed.map((e) => e.event)).toEqual(['update', 'update']);
    expect(replayed.map((e) => e.data.view).sort()).toEqual(['breakdown', 'summary']);
    for (const event of replayed) {
      expect(BigInt(event.data.version)).toBeGreaterThanOrEqual(BigInt(latest));
      expect(event.data.body).toEqual((await read(key, event.data.view, event.data.version)).body);
    }
    resumed.close();
  });

  it('never carries another tenant’s changes', async () => {
    const other = await createTenant(SPEC_TENANT);
    const mine = await openSse(`month=${MONTH}&views=summary`, { key });
    await mine.reader.next();
    for (let i = 0; i < 3; i++) await write(other.apiKey, [{ date: `${MONTH}-04`, amount: '999.00', category: 'Other tenant' }]);
    const own = await write(key, [{ date: `${MONTH}-13`, amount: '1.00', category: 'Mine' }]);
    // The next event after the other tenant's three writes is this tenant's own.
    const next = await mine.reader.next();
    expect(BigInt(next.data.version)).toBeGreaterThanOrEqual(BigInt(own));
    expect(next.data.body).toEqual((await read(key, 'summary', next.data.version)).body);
    expect(JSON.stringify(mine.reader.events)).not.toContain('Other tenant');
    mine.close();
  });

  it('ends the stream when its key is revoked', async () => {
    const minted = await api<{ id: string; apiKey: string }>('POST', '/v1/tenant/keys', { key });
    const doomed = await openSse(`month=${MONTH}&views=summary`, { key: minted.body.apiKey });
    await doomed.reader.next();
    expect((await api('DELETE', `/v1/tenant/keys/${minted.body.id}`, { key })).status).toBe(204);
    const closed = await doomed.reader.next((e) => e.event === 'closed');
    expect(closed.data).toEqual({ reason: 'key-revoked' });
    await expect(doomed.reader.next()).rejects.toThrow('the stream ended');
    expect((await openSse(`month=${MONTH}`, { key: minted.body.apiKey })).status).toBe(401);
  });

  it('refuses the 11th open stream of a key with 429', async () => {
    const own = (await api<{ apiKey: string }>('POST', '/v1/tenant/keys', { key })).body.apiKey;
    const open = await Promise.all(Array.from({ length: 10 }, () => openSse(`month=${MONTH}&views=summary`, { key: own })));
    expect(open.map((s) => s.status)).toEqual(Array(10).fill(200));
    const eleventh = await openSse(`month=${MONTH}&views=summary`, { key: own });
    expect(eleventh.status).toBe(429);
    expect(eleventh.problem).toMatchObject({ type: 'https://ledgerline.dev/problems/rate-limited', status: 429 });
    expect(eleventh.retryAfter).toBeTruthy();
    for (const s of open) s.close();
  });

  it('opens with a single-use stream token instead of a header (EventSource)', async () => {
    const minted = await api<{ token: string; expiresAt: string }>('POST', '/v1/dashboard/live-tokens', { key });
    expect(minted.status).toBe(201);
    expect(Date.parse(minted.body.expiresAt)).toBeGreaterThan(Date.now());
    const byToken = await openSse(`month=${MONTH}&views=stats&token=${encodeURIComponent(minted.body.token)}`);
    expect(byToken.status).toBe(200);
    const snapshot = await byToken.reader.next();
    expect(snapshot.data.body).toEqual((await read(key, 'stats', snapshot.data.version)).body);
    byToken.close();
    const again = await openSse(`month=${MONTH}&views=stats&token=${encodeURIComponent(minted.body.token)}`);
    expect(again.status).toBe(401);
    expect((await openSse(`month=${MONTH}&token=lst_forged.token`)).status).toBe(401);
  });

  it('answers problem+json for a missing key and invalid subscriptions', async () => {
    const anonymous = await openSse(`month=${MONTH}`);
    expect(anonymous.status).toBe(401);
    const bad = await openSse('month=2026-13&views=summary,nope', { key });
    expect(bad.status).toBe(422);
    expect((bad.problem?.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['month', 'views[1]']);
    const badResume = await openSse(`month=${MONTH}`, { key, lastEventId: 'yesterday' });
    expect(badResume.status).toBe(400);
  });
});

describe('budget thresholds on the live stream', () => {
  it('sends budget.threshold once when a write moves a category to warning, without becoming a resume point', async () => {
    const key = (await createTenant(SPEC_TENANT)).apiKey;
    const budgets = await api('PUT', '/v1/budgets', { key, body: { budgets: [{ category: 'Groceries', limit: '100.00' }] } });
    expect(budgets.status).toBe(200);
    const stream = await openSse(`month=${MONTH}&views=summary`, { key });
    try {
      await stream.reader.find((e) => e.event === 'snapshot');
      const version = await write(key, [{ date: `${MONTH}-11`, amount: '85.00', category: 'Groceries', member: 'm1' }]);
      const event = await stream.reader.find((e) => e.event === 'budget.threshold');
      expect(event.id).toBeUndefined();
      expect(event.data).toMatchObject({
        type: 'budget.threshold',
        category: 'Groceries',
        month: MONTH,
        limit: '100.00',
        spent: '85.00',
        state: 'warning',
        version,
      });
      await expectUpdates(key, stream.reader, version, ['summary']);
      expect(stream.reader.events.filter((e) => e.event === 'budget.threshold')).toHaveLength(1);
    } finally {
      stream.close();
    }
  });
});

describe('a slow live reader', () => {
  it('gets the latest figures per view (coalesced), never a backlog of every change', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    // Wide figures: each breakdown event is a few hundred KiB, so a reader that stops reading blocks the socket soon.
    const wide = Array.from({ length: 1_500 }, (_, i) => ({
      date: `${MONTH}-01`,
      amount: '1.00',
      category: `Category ${String(i).padStart(4, '0')} ${'x'.repeat(80)}`,
    }));
    await write(key, wide);
    const droppedBefore = await gatewayMetric('gateway_live_events_dropped_total');

    const reader = new SseReader();
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${e2e.gatewayUrl()}/v1/dashboard/live?month=${MONTH}&views=breakdown`, {
        headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      });
      req.on('response', resolve).on('error', reject).end();
    });
    expect(res.statusCode).toBe(200);
    res.setEncoding('utf8');
    res.on('data', (text: string) => reader.feed(text));
    res.on('end', () => reader.finish());
    await reader.next();
    res.pause();

    let latest = '';
    const writes = 40;
    for (let i = 0; i < writes; i++) {
      latest = await write(key, [{ date: `${MONTH}-02`, amount: `${i + 1}.00`, category: 'Category 0000' }]);
      // Longer than the coalescing interval: each write is its own update at the source.
      await new Promise((r) => setTimeout(r, 120));
    }
    res.resume();
    const last = await reader.next(atLeast(latest));
    expect(last.data.body).toEqual((await read(key, 'breakdown', last.data.version)).body);
    const updates = reader.events.slice(1);
    const versions = updates.map((e) => BigInt(e.data.version));
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(versions).size).toBe(versions.length);
    expect(updates.length).toBeLessThan(writes);
    expect(await gatewayMetric('gateway_live_events_dropped_total')).toBeGreaterThan(droppedBefore);
    res.destroy();
  });
});

describe('live dashboards over WebSocket', () => {
  it('sends the same events as JSON messages and follows subscription changes', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    await write(key, [{ date: `${MONTH}-03`, amount: '10.00', category: 'Groceries' }]);
    const socket = new WebSocket(`${e2e.gatewayUrl().replace(/^http/, 'ws')}/v1/dashboard/live?month=${MONTH}&views=summary`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const messages: Json[] = [];
    let wake: (() => void) | undefined;
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as Json);
      wake?.();
    });
    let taken = 0;
    const next = async (match: (m: Json) => boolean): Promise<Json> => {
      const deadline = Date.now() + EVENT_WAIT_MS;
      for (;;) {
        while (taken < messages.length) {
          const m = messages[taken++] as Json;
          if (match(m)) return m;
        }
        if (Date.now() > deadline) throw new Error('no matching message in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 250);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    };

    const snapshot = await next(() => true);
    expect(snapshot).toMatchObject({ type: 'snapshot', view: 'summary', month: MONTH });
    expect(snapshot.body).toEqual((await read(key, 'summary', snapshot.version as string)).body);

    const version = await write(key, [{ date: `${MONTH}-04`, amount: '25.50', category: 'Groceries' }]);
    const update = await next((m) => m.type === 'update' && BigInt(m.version as string) >= BigInt(version));
    expect(update.body).toEqual((await read(key, 'summary', update.version as string)).body);

    socket.send(JSON.stringify({ type: 'subscribe', month: '2026-04', views: ['stats'] }));
    const moved = await next((m) => m.type === 'snapshot');
    expect(moved).toMatchObject({ view: 'stats', month: '2026-04' });
    expect(moved.body).toEqual((await read(key, 'stats', moved.version as string, '2026-04')).body);

    socket.send('{"type":"subscribe","month":"never"}');
    const refused = await next((m) => m.type === 'error');
    expect(refused.problem).toMatchObject({ status: 422 });

    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.close(1000);
    expect(await closed).toBe(1000);
  });

  it('refuses an upgrade without a key as a problem+json 401', async () => {
    const socket = new WebSocket(`${e2e.gatewayUrl().replace(/^http/, 'ws')}/v1/dashboard/live?month=${MONTH}`);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });
    expect(status).toBe(401);
  });
});

describe('a gateway replica shutting down', () => {
  it('ends its streams at once, so clients reconnect to another replica and resume', async () => {
    const { apiKey: key } = await createTenant(SPEC_TENANT);
    const replica = await startReplica('api-gateway');
    const stream = await openSse(`month=${MONTH}&views=summary`, { key, baseUrl: replica.url });
    const snapshot = await stream.reader.next();
    await replica.stop();
    await expect(stream.reader.next()).rejects.toThrow('the stream ended');

    const version = await write(key, [{ date: `${MONTH}-06`, amount: '3.00', category: 'After shutdown' }]);
    const resumed = await openSse(`month=${MONTH}&views=summary`, { key, lastEventId: snapshot.id as string });
    const replayed = await resumed.reader.next();
    expect(replayed.event).toBe('update');
    expect(BigInt(replayed.data.version)).toBeGreaterThanOrEqual(BigInt(version));
    expect(replayed.data.body).toEqual((await read(key, 'summary', replayed.data.version)).body);
    resumed.close();
  });
});
