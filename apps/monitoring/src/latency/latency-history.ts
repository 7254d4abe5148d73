import type { LatencyTracker } from './latency-tracker';

export interface HistoryPoint {
  atMs: number;
  p95Ms: number;
  p50Ms: number;
  count: number;
}

/** p50/p95 per route sampled at each evaluation: the status page's charts. Fixed length per route. */
export class LatencyHistory {
  private readonly series = new Map<string, { service: string; route: string; points: HistoryPoint[] }>();

  constructor(
    private readonly window: string,
    private readonly maxPoints = 180,
    private readonly maxRoutes = 200,
  ) {}

  sample(tracker: LatencyTracker, nowMs: number): void {
    for (const w of tracker.routeWindows(this.window, nowMs)) {
      const key = `${w.service}\u0000${w.route}`;
      let s = this.series.get(key);
      if (!s) {
        if (this.series.size >= this.maxRoutes) continue;
        s = { service: w.service, route: w.route, points: [] };
        this.series.set(key, s);
      }
      s.points.push({ atMs: nowMs, p95Ms: w.p95Ms, p50Ms: w.p50Ms, count: w.count });
      if (s.points.length > this.maxPoints) s.points.shift();
    }
  }

  get windowName(): string {
    return this.window;
  }

  all(): { service: string; route: string; points: HistoryPoint[] }[] {
    return [...this.series.values()].sort((a, b) => a.service.localeCompare(b.service) || a.route.localeCompare(b.route));
  }
}
