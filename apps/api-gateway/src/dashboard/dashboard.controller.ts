import {
  breakdownQuerySchema,
  categoryParamSchema,
  dashboardViewsQuerySchema,
  drillDownQuerySchema,
  monthQuerySchema,
  refreshMonth,
  startRefreshTask,
  statsQuerySchema,
  trendsQuerySchema,
  type BreakdownQuery,
  type DashboardViewsQuery,
  type DrillDownQuery,
  type RefreshResult,
  type StatsQuery,
  type TrendsQuery,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { ZodPipe } from '../http/zod-body.pipe';
import { DashboardReader } from './dashboard-reader';
import { breakdownRequest, drillDownRequest, statsRequest, summaryRequest, trendsRequest } from './dashboard-reads';
import { DashboardViews } from './dashboard-views';

/** A rebuild reads every raw row of the month: more than the default request budget on big tenants. */
const REFRESH_TIMEOUT_MS = 30_000;

/**
 * The dashboard routes as Nest sees them. Warm reads of the cached routes
 * are usually answered before they get here (see fast-read.ts); these
 * handlers take everything else: misses, `no-cache`, versions not reached
 * yet, and every invalid request (their pipes name the fields).
 */
@Controller('v1/dashboard')
@UseGuards(TenantGuard)
export class DashboardController {
  constructor(
    private readonly bus: NatsBus,
    private readonly reader: DashboardReader,
    private readonly views: DashboardViews,
  ) {}

  @Get()
  async combined(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(dashboardViewsQuerySchema, 'query')) query: DashboardViewsQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.views.answer(req, res, tenant.tenantId, query);
  }

  @Get('summary')
  async summary(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) query: { month: string },
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, summaryRequest(tenant.tenantId, query.month));
  }

  @Get('breakdown')
  async breakdown(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(breakdownQuerySchema, 'query')) query: BreakdownQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, breakdownRequest(tenant.tenantId, query));
  }

  @Get('drill-down/:category')
  async drillDown(
    @Tenant() tenant: TenantPrincipal,
    @Param('category', new ZodPipe(categoryParamSchema, 'category', 'category')) category: string,
    @Query(new ZodPipe(drillDownQuerySchema, 'query')) query: DrillDownQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, drillDownRequest(tenant.tenantId, category, query));
  }

  @Get('trends')
  async trends(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(trendsQuerySchema, 'query')) query: TrendsQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, trendsRequest(tenant.tenantId, query));
  }

  @Get('stats')
  async stats(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(statsQuerySchema, 'query')) query: StatsQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, statsRequest(tenant.tenantId, query));
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) query: { month: string },
  ): Promise<RefreshResult> {
    return this.bus.request(refreshMonth, { tenantId: tenant.tenantId, month: query.month }, { timeoutMs: REFRESH_TIMEOUT_MS });
  }

  @Post('refresh-async')
  @HttpCode(202)
  refreshAsync(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) query: { month: string },
  ): Promise<{ taskId: string }> {
    return this.bus.request(startRefreshTask, { tenantId: tenant.tenantId, month: query.month });
  }
}
