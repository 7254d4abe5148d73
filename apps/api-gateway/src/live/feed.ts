import type { LiveView } from '@ledgerline/contracts';
import { SpanStatusCode, trace, type Link, type SpanContext } from '@opentelemetry/api';
import { Coalescer } from './coalescer';
import { eventsCoalesced } from './live.metrics';
import type { LiveViews } from './live-views';
import { liveEventData } from './sse';
import { Frame, type Subscriber } from './subscriber';

/** What asked a feed to refresh: the version the change reached, when it was applied, and whether the caches may be stale. */
export interface Change {
  version?: string;
  changedAtMs?: number;
  fromSource?: boolean;
  /** The trace of the change event, linked from the push's span. */
  link?: SpanContext | undefined;
}

/** A burst of changes merged into one push links to this many of them at most. */
const MAX_LINKS = 8;
const tracer = trace.getTracer('api-gateway.live');

/**
 * One (tenant, month, view) with subscribers on this replica: its latest
 * figures, read once per change for all of them (and at most once per
 * coalescing interval), and pushed to each.
 */
export class Feed {
  readonly subscribers = new Set<Subscriber>();
  latest: Frame | undefined;
  private loading: Promise<Frame> | undefined;
  private readonly coalescer: Coalescer;
  /** Merged since the last read: the highest version announced, the earliest change time, the strongest read needed. */
  private wanted: Change = {};
  private links: Link[] = [];
  private published = 0;

  constructor(
    readonly tenantId: string,
    readonly month: string,
    readonly view: LiveView,
    private readonly views: LiveViews,
    coalesceMs: number,
    private readonly onError: (error: unknown, feed: Feed) => void,
  ) {
    this.coalescer = new Coalescer(
      coalesceMs,
      () => this.refresh(),
      () => eventsCoalesced.inc(),
    );
  }

  /**
   * The current frame for a stream that starts now, read again (a write
   * acknowledged just before may not have reached this feed's last push yet:
   * read-your-writes holds for streams too). Streams opening together share one read.
   */
  async current(): Promise<Frame> {
    this.loading ??= this.read({})
      .then((frame) => this.publish(frame))
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Sends a frame newer than the last one published to every started subscriber (each skips what it has). */
  private publish(frame: Frame): Frame {
    if (frame.seq <= this.published) return frame;
    this.published = frame.seq;
    for (const subscriber of this.subscribers) subscriber.update(frame);
    return frame;
  }

  changed(change: Change): void {
    const w = this.wanted;
    if (change.version !== undefined && (w.version === undefined || BigInt(change.version) > BigInt(w.version))) w.version = change.version;
    if (change.changedAtMs !== undefined && (w.changedAtMs === undefined || change.changedAtMs < w.changedAtMs)) {
      w.changedAtMs = change.changedAtMs;
    }
    if (change.fromSource) w.fromSource = true;
    if (change.link && this.links.length < MAX_LINKS) this.links.push({ context: change.link });
    this.coalescer.request();
  }

  stop(): void {
    this.coalescer.stop();
  }

  private async refresh(): Promise<void> {
    const change = this.wanted;
    const links = this.links;
    this.wanted = {};
    this.links = [];
    if (this.loading) await this.loading.catch(() => undefined);
    const attributes = { 'live.view': this.view, 'live.month': this.month, 'live.subscribers': this.subscribers.size };
    await tracer.startActiveSpan('live push', { links, attributes }, async (span) => {
      try {
        const frame = this.publish(await this.read(change));
        span.setAttribute('live.version', frame.version);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        this.onError(error, this);
      } finally {
        span.end();
      }
    });
  }

  /**
   * Reads the view and keeps it when it is newer (or, at the same version,
   * different: a budget or tenant change moves figures without a new
   * version). A cached answer older than the announced version is read
   * again from the source, which is never behind the watermark.
   */
  private async read(change: Change): Promise<Frame> {
    let figures = await this.views.read(this.tenantId, this.month, this.view, change.fromSource === true);
    if (change.version !== undefined && BigInt(figures.version) < BigInt(change.version)) {
      figures = await this.views.read(this.tenantId, this.month, this.view, true);
    }
    const data = liveEventData(this.view, this.month, figures.version, figures.json);
    const latest = this.latest;
    if (latest) {
      const older = BigInt(figures.version) < BigInt(latest.version);
      if (older || latest.data === data) return latest;
    }
    this.latest = new Frame(this.view, this.month, figures.version, data, (latest?.seq ?? 0) + 1, change.changedAtMs);
    return this.latest;
  }
}
