import type { SloTracker } from './slo-tracker';

export interface SloPoint {
  atMs: number;
  /** Freshness over the chart window: p50/p99 of commit → first served, and the share of changes visible within the threshold (exposure). */
  freshnessP50Ms: number | null;
  freshnessP99Ms: number | null;
  withinThreshold: number | null;
  /** Consistency over the chart window. */
  consistency: number | null;
  audited: number;
  misses: number;
}

/** Freshness and consistency of one service sampled at each evaluation: the status page's charts. Fixed length. */
export class SloHistory {
  private readonly series = new Map<string, SloPoint[]>();

  constructor(
    readonly windowName: string,
    private readonly maxPoints = 180,
    private readonly maxServices = 20,
  ) {}

  sample(slo: SloTracker, nowMs: number): void {
    const points = new Map<string, SloPoint>();
    const point = (service: string): SloPoint | undefined => {
      let p = points.get(service);
      if (!p && (this.series.has(service) || this.series.size < this.maxServices)) {
        p = { atMs: nowMs, freshnessP50Ms: null, freshnessP99Ms: null, withinThreshold: null, consistency: null, audited: 0, misses: 0 };
        points.set(service, p);
      }
      return p;
    };
    for (const f of slo.freshnessWindows(this.windowName, nowMs)) {
      const p = f.level === 'any' || f.level === 'exposure' ? point(f.service) : undefined;
      if (p && f.level === 'any') Object.assign(p, { freshnessP50Ms: f.p50Ms, freshnessP99Ms: f.p99Ms });
      if (p && f.level === 'exposure') p.withinThreshold = f.withinThreshold;
    }
    for (const c of slo.consistencyWindows(this.windowName, nowMs)) {
      const p = point(c.service);
      if (p) Object.assign(p, { consistency: c.ratio, audited: c.audited, misses: c.misses });
    }
    for (const [service, p] of points) {
      const list = this.series.get(service) ?? [];
      list.push(p);
      if (list.length > this.maxPoints) list.shift();
      this.series.set(service, list);
    }
  }

  all(): { service: string; points: SloPoint[] }[] {
    return [...this.series].map(([service, points]) => ({ service, points })).sort((a, b) => a.service.localeCompare(b.service));
  }
}
