import {
  getBreakdown,
  getDrillDown,
  getStats,
  getSummary,
  getTrends,
  type ParsedRequestOf,
  type ReplyOf,
  type RequestContract,
} from '@ledgerline/contracts';
import { NatsBus, rawJsonReply, type RawReply } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RollupsService } from '../rollups/rollups.service';
import { DashboardService } from './dashboard.service';

@Injectable()
export class DashboardHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly dashboard: DashboardService,
    private readonly rollups: RollupsService,
  ) {}

  onModuleInit(): void {
    this.serve(getSummary, (req) => this.dashboard.summary(req.tenantId, req.month));
    this.serve(getBreakdown, (req) => this.dashboard.breakdown(req.tenantId, req));
    this.serve(getDrillDown, (req) => this.dashboard.drillDown(req.tenantId, req.category, req));
    this.serve(getTrends, (req) => this.dashboard.trends(req.tenantId, req.query));
    this.serve(getStats, (req) => this.dashboard.stats(req.tenantId, req));
  }

  /**
   * Every figure goes out with the version it reflects. The watermark is read
   * first: rollups only move forward with it, so the figures read after it
   * reflect at least that version (maybe more — never less).
   */
  private serve<C extends RequestContract>(contract: C, compute: (request: ParsedRequestOf<C>) => Promise<ReplyOf<C>>): void {
    this.bus.serveRaw(contract, async (request): Promise<RawReply> => {
      const version = await this.rollups.watermark((request as { tenantId: string }).tenantId);
      return rawJsonReply(await compute(request), version);
    });
  }
}
