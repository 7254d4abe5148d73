import {
  breakdownQuerySchema,
  drillDownQuerySchema,
  getBreakdown,
  getDrillDown,
  getStats,
  getSummary,
  getTrends,
  monthQuerySchema,
  refreshMonth,
  startRefreshTask,
  trendsQuerySchema,
  type Breakdown,
  type BreakdownQuery,
  type DrillDownQuery,
  type RefreshResult,
  type Stats,
  type SubcategoryDrillDown,
  type Summary,
  type TransactionDrillDown,
  type Trends,
  type TrendsQuery,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { ZodPipe } from '../http/zod-body.pipe';

const categoryParam = z.string().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });
/** A rebuild reads every raw row of the month: more than the default request budget on big tenants. */
const REFRESH_TIMEOUT_MS = 30_000;

@Controller('v1/dashboard')
@UseGuards(TenantGuard)
export class DashboardController {
  constructor(private readonly bus: NatsBus) {}

  @Get('summary')
  summary(@Tenant() t: TenantPrincipal, @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string }): Promise<Summary> {
    return this.bus.request(getSummary, { tenantId: t.tenantId, month: q.month });
  }

  @Get('breakdown')
  breakdown(@Tenant() t: TenantPrincipal, @Query(new ZodPipe(breakdownQuerySchema, 'query')) q: BreakdownQuery): Promise<Breakdown> {
    return this.bus.request(getBreakdown, { tenantId: t.tenantId, ...q });
  }

  @Get('drill-down/:category')
  drillDown(
    @Tenant() t: TenantPrincipal,
    @Param('category', new ZodPipe(categoryParam, 'category')) category: string,
    @Query(new ZodPipe(drillDownQuerySchema, 'query')) q: DrillDownQuery,
  ): Promise<SubcategoryDrillDown | TransactionDrillDown> {
    return this.bus.request(getDrillDown, { tenantId: t.tenantId, category, ...q });
  }

  @Get('trends')
  trends(@Tenant() t: TenantPrincipal, @Query(new ZodPipe(trendsQuerySchema, 'query')) query: TrendsQuery): Promise<Trends> {
    return this.bus.request(getTrends, { tenantId: t.tenantId, query });
  }

  @Get('stats')
  stats(@Tenant() t: TenantPrincipal, @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string }): Promise<Stats> {
    return this.bus.request(getStats, { tenantId: t.tenantId, month: q.month });
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@Tenant() t: TenantPrincipal, @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string }): Promise<RefreshResult> {
    return this.bus.request(refreshMonth, { tenantId: t.tenantId, month: q.month }, { timeoutMs: REFRESH_TIMEOUT_MS });
  }

  @Post('refresh-async')
  @HttpCode(202)
  refreshAsync(
    @Tenant() t: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string },
  ): Promise<{ taskId: string }> {
    return this.bus.request(startRefreshTask, { tenantId: t.tenantId, month: q.month });
  }
}
