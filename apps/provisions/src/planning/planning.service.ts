import {
  calculateProvisions as calculateProvisionsContract,
  getMonthPlan,
  type MonthPlan,
  type ProvisionsCalculation,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FixedLinesService } from '../budget/fixed-lines.service';
import { ProvisionsService } from '../budget/provisions.service';
import { TenantConfigService } from '../tenant-config/tenant-config.service';
import { calculateProvisions, monthPlan } from './plan';

/** Loads a tenant's config and terms, and hands them to the pure planning functions. */
@Injectable()
export class PlanningService implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly tenants: TenantConfigService,
    private readonly fixedLines: FixedLinesService,
    private readonly provisions: ProvisionsService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(calculateProvisionsContract, (req) => this.calculate(req.tenantId, req.month));
    this.bus.serve(getMonthPlan, (req) => this.plan(req.tenantId, req.month));
  }

  async calculate(tenantId: string, month: string): Promise<ProvisionsCalculation> {
    const [config, provisions] = await Promise.all([this.tenants.get(tenantId), this.provisions.entities(tenantId)]);
    return calculateProvisions(config, provisions, month);
  }

  async plan(tenantId: string, month: string): Promise<MonthPlan> {
    const [config, fixedLines, provisions] = await Promise.all([
      this.tenants.get(tenantId),
      this.fixedLines.entities(tenantId),
      this.provisions.entities(tenantId),
    ]);
    return monthPlan(config, fixedLines, provisions, month);
  }
}
