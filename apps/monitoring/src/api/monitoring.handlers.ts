import { AppError, getPerformance, getReport, listAlerts, type PerformanceReport, type PerformanceSnapshot } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service';
import { LatencyTracker } from '../latency/latency-tracker';
import { sloSnapshot } from '../slo/slo.controller';
import { SloTracker } from '../slo/slo-tracker';
import { SpanStore } from '../traces/span-store';
import { buildReport } from './report';

/** NATS adapters behind the gateway's /v1/monitoring routes. */
@Injectable()
export class MonitoringHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly tracker: LatencyTracker,
    private readonly spans: SpanStore,
    private readonly alerts: AlertsService,
    private readonly slo: SloTracker,
  ) {}

  onModuleInit(): void {
    this.bus.serve(getPerformance, async (req) => this.performance(req.window, Date.now()));
    this.bus.serve(listAlerts, async (req) => ({ alerts: await this.alerts.list(req.state, req.limit) }));
    this.bus.serve(getReport, async (req) => this.report(req.window, Date.now()));
  }

  performance(window: string, nowMs: number): PerformanceSnapshot {
    this.checkWindow(window);
    return {
      window,
      generatedAt: new Date(nowMs).toISOString(),
      routes: this.tracker.routeLatency(window, nowMs),
      cache: this.tracker.cacheEfficiency(window, nowMs),
      synthetic: {
        routes: this.tracker.synthetic?.routeLatency(window, nowMs) ?? [],
        cache: this.tracker.synthetic?.cacheEfficiency(window, nowMs) ?? [],
      },
      slo: sloSnapshot(this.slo, window, nowMs),
    };
  }

  report(window: string, nowMs: number): PerformanceReport {
    this.checkWindow(window);
    return buildReport(window, nowMs, this.tracker.routeLatency(window, nowMs), this.tracker.cacheEfficiency(window, nowMs), (id) =>
      this.spans.trace(id),
    );
  }

  private checkWindow(window: string): void {
    if (!this.tracker.has(window)) {
      throw new AppError('validation-failed', 'Unknown window.', [
        { field: 'window', message: `must be one of ${this.tracker.windowNames.join(', ')}` },
      ]);
    }
  }
}
