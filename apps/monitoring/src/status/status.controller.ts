import { AppError } from '@ledgerline/contracts';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service';
import { LatencyHistory } from '../latency/latency-history';
import { LatencyTracker } from '../latency/latency-tracker';
import { SloHistory } from '../slo/slo-history';
import { SloTracker } from '../slo/slo-tracker';
import { SpanStore } from '../traces/span-store';
import { statusPage, waterfall } from './render';

const TABLE_WINDOW = '5m';

/** The page an SRE opens: plain server-rendered HTML and SVG, no frontend build. */
@Controller('status')
export class StatusController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly tracker: LatencyTracker,
    private readonly history: LatencyHistory,
    private readonly spans: SpanStore,
    private readonly slo: SloTracker,
    private readonly sloHistory: SloHistory,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  async status(): Promise<string> {
    const now = Date.now();
    return statusPage({
      generatedAt: new Date(now).toISOString(),
      window: TABLE_WINDOW,
      chartWindow: this.history.windowName,
      liveAlerts: this.alerts.live(),
      recentAlerts: await this.alerts.list(undefined, 20),
      routes: this.tracker.routeLatency(TABLE_WINDOW, now),
      charts: this.history.all(),
      slo: {
        chartWindow: this.sloHistory.windowName,
        charts: this.sloHistory.all(),
        freshness: this.slo.freshnessWindows(TABLE_WINDOW, now),
        consistency: this.slo.consistencyWindows(TABLE_WINDOW, now),
        lastMisses: this.slo.lastMisses(20),
      },
    });
  }

  @Get('traces/:traceId')
  @Header('content-type', 'text/html; charset=utf-8')
  trace(@Param('traceId') traceId: string): string {
    const spans = this.spans.trace(traceId);
    if (spans.length === 0) throw new AppError('not-found', 'No spans stored for that trace.');
    return waterfall(traceId, spans);
  }
}
