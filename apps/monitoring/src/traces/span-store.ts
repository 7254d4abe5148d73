import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ReceivedSpan } from './otlp-json';

/**
 * Recent traces in memory, bounded by trace count. Exemplar traces are moved
 * to a second bounded cache so ordinary traffic cannot evict the traces an
 * alert links to before someone opens them.
 */
@Injectable()
export class SpanStore {
  private readonly recent = new LRUCache<string, ReceivedSpan[]>({ max: 5_000 });
  private readonly pinned = new LRUCache<string, ReceivedSpan[]>({ max: 2_000 });
  /** A trace wider than this is cut: the waterfall stays drawable and memory bounded. */
  static readonly MAX_SPANS_PER_TRACE = 500;

  add(spans: readonly ReceivedSpan[]): void {
    for (const span of spans) {
      const list = this.pinned.get(span.traceId) ?? this.recent.get(span.traceId);
      if (!list) this.recent.set(span.traceId, [span]);
      else if (list.length < SpanStore.MAX_SPANS_PER_TRACE) list.push(span);
    }
  }

  pin(traceIds: Iterable<string>): void {
    for (const traceId of traceIds) {
      if (this.pinned.has(traceId)) continue;
      const list = this.recent.get(traceId);
      if (!list) continue;
      this.recent.delete(traceId);
      this.pinned.set(traceId, list);
    }
  }

  trace(traceId: string): ReceivedSpan[] {
    const list = this.pinned.get(traceId) ?? this.recent.get(traceId) ?? [];
    return [...list].sort((a, b) => (a.startUnixNano < b.startUnixNano ? -1 : a.startUnixNano > b.startUnixNano ? 1 : 0));
  }
}
