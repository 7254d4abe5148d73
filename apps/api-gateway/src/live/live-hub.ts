import {
  apiKeyRevoked,
  budgetChanged,
  budgetThreshold,
  rollupsChanged,
  tenantConfigChanged,
  type EventContract,
  type BudgetThreshold,
  type EventOf,
  type LiveView,
} from '@ledgerline/contracts';
import { extractTraceContext, NatsBus } from '@ledgerline/messaging';
import { growingLru } from '@ledgerline/runtime';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { LRUCache } from 'lru-cache';
import { LIVE_CONFIG } from '../tokens';
import { Feed, type Change } from './feed';
import type { LiveConfig } from './live.config';
import { openStreams } from './live.metrics';
import { sseEvent } from './sse';
import { affectedViews, LiveViews } from './live-views';
import type { Subscriber } from './subscriber';

/**
 * This replica's live subscribers and the feeds they read. Every replica
 * hears every tenant's change events (plain NATS fan-out) and looks up only
 * its own feeds: a tenant nobody here watches costs one map lookup per event.
 */
@Injectable()
export class LiveHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveHub');
  /** tenant → `month view` → feed. */
  private readonly feeds = new Map<string, Map<string, Feed>>();
  private readonly byKey = new Map<string, Set<Subscriber>>();
  /** Keys revoked lately: a stream token minted before the revocation must not open a stream after it. */
  private readonly revoked: LRUCache<string, true>;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly bus: NatsBus,
    private readonly views: LiveViews,
    @Inject(LIVE_CONFIG) private readonly config: LiveConfig,
  ) {
    this.revoked = growingLru(100_000, { ttl: config.LIVE_TOKEN_TTL_MS * 2 });
  }

  onModuleInit(): void {
    this.listen(rollupsChanged, (e, link) =>
      this.changed(e.tenantId, affectedViews(e.months), {
        version: e.version,
        changedAtMs: Date.parse(e.occurredAt),
        fromSource: e.cachesInvalidated === false,
        link,
      }),
    );
    // Budget and tenant changes move every month's summary without a new rollups version.
    const everything = (e: { tenantId: string; occurredAt: string; cachesInvalidated?: boolean | undefined }, link?: Change['link']) =>
      this.changed(e.tenantId, 'all', { changedAtMs: Date.parse(e.occurredAt), fromSource: e.cachesInvalidated === false, link });
    this.listen(budgetChanged, everything);
    this.listen(tenantConfigChanged, everything);
    this.listen(apiKeyRevoked, (e) => this.revoke(e.keyId));
    this.listen(budgetThreshold, (e) => this.notify(e));
    // Events may have been missed while disconnected: read every watched view again.
    this.bus.onReconnect(() => {
      for (const tenantId of this.feeds.keys()) this.changed(tenantId, 'all', {});
    });
    this.heartbeat = setInterval(() => this.beat(), this.config.LIVE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Ends every stream (clients reconnect to another replica and resume with Last-Event-ID). */
  onModuleDestroy(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const subscribers of [...this.byKey.values()]) for (const s of [...subscribers]) s.transport.close('shutting-down');
  }

  get isClosing(): boolean {
    return this.closing;
  }

  isRevoked(keyId: string): boolean {
    return this.revoked.has(keyId);
  }

  /**
   * Reads the current figures of each view (shared with every other
   * subscriber of the same feed), so a failure is known before the stream
   * starts. `attach` then registers the subscriber and sends them.
   */
  async prepare(tenantId: string, month: string, views: readonly LiveView[]): Promise<void> {
    try {
      await Promise.all(views.map((view) => this.feedOf(tenantId, month, view).current()));
    } catch (error) {
      this.dropUnwatched(tenantId);
      throw error;
    }
  }

  /** Feeds made for a stream that never started. */
  dropUnwatched(tenantId: string): void {
    const feeds = this.feeds.get(tenantId);
    if (!feeds) return;
    for (const [key, feed] of feeds) {
      if (feed.subscribers.size > 0) continue;
      feed.stop();
      feeds.delete(key);
    }
    if (feeds.size === 0) this.feeds.delete(tenantId);
  }

  attach(subscriber: Subscriber, resumeFrom?: bigint): void {
    let mine = this.byKey.get(subscriber.keyId);
    if (!mine) this.byKey.set(subscriber.keyId, (mine = new Set()));
    if (!mine.has(subscriber)) {
      mine.add(subscriber);
      openStreams.inc({ transport: subscriber.transport.kind });
    }
    this.follow(subscriber, resumeFrom);
  }

  /** A WebSocket client changed its month or views: the new ones start with snapshots. */
  async resubscribe(subscriber: Subscriber, month: string, views: readonly LiveView[]): Promise<void> {
    await this.prepare(subscriber.tenantId, month, views);
    if (subscriber.closed) return;
    this.unfollow(subscriber);
    subscriber.month = month;
    subscriber.views = views;
    for (const view of views) subscriber.reset(view);
    this.follow(subscriber, undefined);
  }

  detach(subscriber: Subscriber): void {
    if (subscriber.closed) return;
    subscriber.closed = true;
    this.unfollow(subscriber);
    const mine = this.byKey.get(subscriber.keyId);
    if (mine?.delete(subscriber)) openStreams.dec({ transport: subscriber.transport.kind });
    if (mine?.size === 0) this.byKey.delete(subscriber.keyId);
  }

  private follow(subscriber: Subscriber, resumeFrom: bigint | undefined): void {
    for (const view of subscriber.views) {
      const feed = this.feedOf(subscriber.tenantId, subscriber.month, view);
      feed.subscribers.add(subscriber);
      // Read moments ago by prepare(); if the feed was dropped meanwhile it is read again and sent when it arrives.
      if (feed.latest) subscriber.start(feed.latest, resumeFrom);
      else
        void feed.current().then(
          (frame) => !subscriber.closed && subscriber.start(frame, resumeFrom),
          () => feed.changed({}),
        );
    }
  }

  private unfollow(subscriber: Subscriber): void {
    const feeds = this.feeds.get(subscriber.tenantId);
    if (!feeds) return;
    for (const view of subscriber.views) {
      const key = `${subscriber.month} ${view}`;
      const feed = feeds.get(key);
      if (!feed?.subscribers.delete(subscriber) || feed.subscribers.size > 0) continue;
      feed.stop();
      feeds.delete(key);
    }
    if (feeds.size === 0) this.feeds.delete(subscriber.tenantId);
  }

  private feedOf(tenantId: string, month: string, view: LiveView): Feed {
    let feeds = this.feeds.get(tenantId);
    if (!feeds) this.feeds.set(tenantId, (feeds = new Map()));
    const key = `${month} ${view}`;
    let feed = feeds.get(key);
    if (!feed) {
      feed = new Feed(tenantId, month, view, this.views, this.config.LIVE_COALESCE_MS, (error, failed) =>
        this.logger.warn(`live read of ${failed.view} ${failed.month} failed: ${(error as Error).message}`),
      );
      feeds.set(key, feed);
    }
    return feed;
  }

  private changed(tenantId: string, which: ReturnType<typeof affectedViews> | 'all', change: Change): void {
    const feeds = this.feeds.get(tenantId);
    if (!feeds) return;
    if (which === 'all') for (const feed of feeds.values()) feed.changed(change);
    else for (const { month, view } of which) feeds.get(`${month} ${view}`)?.changed(change);
  }

  /**
   * A budget state a write moved up, to every stream of the tenant watching
   * that month. Without an `id:`: it must not become a resume point ahead of
   * the update event of the same version, which may still be coalescing.
   */
  private notify(event: BudgetThreshold): void {
    const feeds = this.feeds.get(event.tenantId);
    if (!feeds) return;
    const watching = new Set<Subscriber>();
    for (const feed of feeds.values()) if (feed.month === event.month) for (const s of feed.subscribers) watching.add(s);
    if (watching.size === 0) return;
    const { tenantId: _tenant, ...data } = event;
    const json = JSON.stringify(data);
    const sse = Buffer.from(sseEvent(event.type, undefined, json));
    const ws = Buffer.from(json);
    for (const subscriber of watching) if (!subscriber.closed) subscriber.transport.write(subscriber.transport.kind === 'sse' ? sse : ws);
  }

  private revoke(keyId: string): void {
    this.revoked.set(keyId, true);
    for (const subscriber of [...(this.byKey.get(keyId) ?? [])]) subscriber.transport.close('key-revoked');
  }

  private beat(): void {
    for (const subscribers of this.byKey.values()) for (const s of subscribers) s.transport.heartbeat();
  }

  /** Each push's span links to the change that caused it: the publisher's trace context travels in the headers. */
  private listen<C extends EventContract>(contract: C, handler: (event: EventOf<C>, link: Change['link']) => void): void {
    this.bus.subscribe(contract, (event, headers) => handler(event, trace.getSpanContext(extractTraceContext(headers))));
  }
}
