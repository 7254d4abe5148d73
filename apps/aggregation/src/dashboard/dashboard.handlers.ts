import { getBreakdown, getDrillDown, getStats, getSummary, getTrends } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DashboardService } from './dashboard.service';

@Injectable()
export class DashboardHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly dashboard: DashboardService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(getSummary, (req) => this.dashboard.summary(req.tenantId, req.month));
    this.bus.serve(getBreakdown, (req) => this.dashboard.breakdown(req.tenantId, req));
    this.bus.serve(getDrillDown, (req) => this.dashboard.drillDown(req.tenantId, req.category, req));
    this.bus.serve(getTrends, (req) => this.dashboard.trends(req.tenantId, req.query));
    this.bus.serve(getStats, (req) => this.dashboard.stats(req.tenantId, req.month));
  }
}
