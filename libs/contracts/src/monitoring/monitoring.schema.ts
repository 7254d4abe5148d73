import { z } from 'zod';
import type { SloSnapshot } from './slo.contracts';

/** Sliding windows the latency tracker keeps for every route. */
export const DEFAULT_WINDOWS = ['1m', '5m', '30m', '1h', '6h'] as const;

/** A duration like `500ms`, `30s`, `5m`, `1h`; parsed to milliseconds. */
export const durationString = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, { error: 'must be a duration like 500ms, 30s, 5m or 1h' })
  .transform((text) => parseDuration(text));

export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

export const alertStateSchema = z.enum(['pending', 'firing', 'resolved'], { error: 'must be pending, firing or resolved' });
export type AlertState = z.output<typeof alertStateSchema>;
export type AlertSeverity = 'warning' | 'critical';

export interface RouteLatency {
  service: string;
  route: string;
  count: number;
  /** Requests per second over the window. */
  rate: number;
  /** Fraction 0..1 of spans with error status. */
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  exemplars: { traceId: string; durationMs: number }[];
}

export interface CacheEfficiency {
  service: string;
  level: string;
  hits: number;
  misses: number;
  hitRatio: number | null;
}

export interface PerformanceSnapshot {
  window: string;
  generatedAt: string;
  routes: RouteLatency[];
  cache: CacheEfficiency[];
  /** Load-test traffic (baggage synthetic_request=true), kept apart: never in `routes`, never judged by the rules. */
  synthetic?: { routes: RouteLatency[]; cache: CacheEfficiency[] };
  /** Freshness lag and cache consistency over the same window (see SloSnapshot). */
  slo?: SloSnapshot;
}

export interface Alert {
  id: string;
  fingerprint: string;
  rule: string;
  severity: AlertSeverity;
  state: AlertState;
  labels: Record<string, string>;
  summary: string;
  value: number;
  threshold: number;
  startsAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
  exemplarTraceIds: string[];
}

export interface ReportSpan {
  service: string;
  name: string;
  durationMs: number;
  error: boolean;
}

export interface PerformanceReport {
  window: string;
  generatedAt: string;
  slowestRoutes: (Pick<RouteLatency, 'service' | 'route' | 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'errorRate'> & {
    exemplar: { traceId: string; durationMs: number; slowestSpans: ReportSpan[] } | null;
  })[];
  cache: CacheEfficiency[];
  recommendations: { severity: 'info' | AlertSeverity; subject: string; message: string }[];
}
