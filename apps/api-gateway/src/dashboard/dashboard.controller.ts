import {
  AppError,
  breakdownQuerySchema,
  cachedRead,
  categoryParamSchema,
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
  type BreakdownQuery,
  type DrillDownQuery,
  type RefreshResult,
  type RequestContract,
  type RequestOf,
  type TrendsQuery,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { ZodPipe } from '../http/zod-body.pipe';
import { sendCachedJson } from './cached-reply';
import { NearCache } from './near-cache';

/** A rebuild reads every raw row of the month: more than the default request budget on big tenants. */
const REFRESH_TIMEOUT_MS = 30_000;

@Controller('v1/dashboard')
@UseGuards(TenantGuard)
export class DashboardController {
  constructor(
    private readonly bus: NatsBus,
    private readonly near: NearCache,
  ) {}

  /**
   * Reads are answered from the near-cache, else through the cache-gateway,
   * as the bytes it stored. `Cache-Control: no-cache` asks for the figures
   * from the source instead, past both caches.
   */
  private async forward<C extends RequestContract>(
    req: FastifyRequest,
    res: FastifyReply,
    contract: C,
    payload: RequestOf<C> & { tenantId: string },
  ): Promise<void> {
    if (/\bno-cache\b/i.test(req.headers['cache-control'] ?? '')) {
      sendCachedJson(req, res, await this.bus.requestRaw(contract, payload));
      return;
    }
    const request = `${contract.subject} ${JSON.stringify(payload)}`;
    const hit = this.near.get(contract.subject, payload.tenantId, request);
    if (hit) {
      sendCachedJson(req, res, hit);
      return;
    }
    const generation = this.near.generation(payload.tenantId);
    const reply = await this.bus.requestRaw(cachedRead(contract), payload).catch((error: unknown) => {
      // No cache-gateway answering: the figures are still one hop away at the source.
      if (error instanceof AppError && error.code === 'service-unavailable') return undefined;
      throw error;
    });
    if (reply) this.near.set(payload.tenantId, request, reply, generation);
    sendCachedJson(req, res, reply ?? (await this.bus.requestRaw(contract, payload)));
  }

  @Get('summary')
  async summary(
    @Tenant() t: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string },
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getSummary, { tenantId: t.tenantId, month: q.month });
  }

  @Get('breakdown')
  async breakdown(
    @Tenant() t: TenantPrincipal,
    @Query(new ZodPipe(breakdownQuerySchema, 'query')) q: BreakdownQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getBreakdown, { tenantId: t.tenantId, ...q });
  }

  @Get('drill-down/:category')
  async drillDown(
    @Tenant() t: TenantPrincipal,
    @Param('category', new ZodPipe(categoryParamSchema, 'category', 'category')) category: string,
    @Query(new ZodPipe(drillDownQuerySchema, 'query')) q: DrillDownQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getDrillDown, { tenantId: t.tenantId, category, ...q });
  }

  @Get('trends')
  async trends(
    @Tenant() t: TenantPrincipal,
    @Query(new ZodPipe(trendsQuerySchema, 'query')) query: TrendsQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getTrends, { tenantId: t.tenantId, query });
  }

  @Get('stats')
  async stats(
    @Tenant() t: TenantPrincipal,
    @Query(new ZodPipe(monthQuerySchema, 'query')) q: { month: string },
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getStats, { tenantId: t.tenantId, month: q.month });
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
