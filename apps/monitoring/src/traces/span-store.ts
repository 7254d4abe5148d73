import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ReceivedSpan } from './otlp-json';

/** Recent traces in memory, bounded by trace count; enough to draw exemplar waterfalls. */
@Injectable()
export class SpanStore {
  private readonly traces = new LRUCache<string, ReceivedSpan[]>({ max: 5_000 });

  add(spans: readonly ReceivedSpan[]): void {
    for (const span of spans) {
      const list = this.traces.get(span.traceId);
      if (list) list.push(span);
      else this.traces.set(span.traceId, [span]);
    }
  }

  trace(traceId: string): ReceivedSpan[] {
    return [...(this.traces.get(traceId) ?? [])].sort((a, b) => (a.startUnixNano < b.startUnixNano ? -1 : 1));
  }
}
