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
  MIN_VERSION_HEADER,
  monthQuerySchema,
  refreshMonth,
  startRefreshTask,
  statsQuerySchema,
  trendsQuerySchema,
  VERSION_HEADER,
  versionAtLeast,
  versionString,
  type BreakdownQuery,
  type DrillDownQuery,
  type RefreshResult,
  type RequestContract,
  type RequestOf,
  type StatsQuery,
  type TrendsQuery,
  type Version,
} from '@ledgerline/contracts';
import { NatsBus, Watermarks, type RawReply } from '@ledgerline/messaging';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { ZodPipe } from '../http/zod-body.pipe';
import { sendCachedJson } from './cached-reply';
import { NearCache } from './near-cache';

/** A rebuild reads every raw row of the month: more than the default request budget on big tenants. */
const REFRESH_TIMEOUT_MS = 30_000;
/** How long a read asked for a version not applied yet waits for it before answering 503. */
const MIN_VERSION_WAIT_MS = 2_000;

@Controller('v1/dashboard')
@UseGuards(TenantGuard)
export class DashboardController {
  constructor(
    private readonly bus: NatsBus,
    private readonly near: NearCache,
    private readonly watermarks: Watermarks,
  ) {}

  /**
   * Answers with the figures and the version they reflect. With
   * `Ledgerline-Min-Version`, figures older than that version are never
   * sent: the read waits (bounded) for the tenant's watermark to reach it,
   * then asks the source, which is never behind the watermark; past the
   * bound it is a 503 with Retry-After.
   */
  private async forward<C extends RequestContract>(
    req: FastifyRequest,
    res: FastifyReply,
    contract: C,
    payload: RequestOf<C> & { tenantId: string },
  ): Promise<void> {
    const min = minVersionOf(req);
    const noCache = /\bno-cache\b/i.test(req.headers['cache-control'] ?? '');
    let reply = noCache ? await this.bus.requestRaw(contract, payload) : await this.read(contract, payload);
    if (min !== undefined && !reflects(reply, min)) {
      // Applied is enough: the source has it even when a cache did not confirm its invalidation.
      if ((await this.watermarks.wait(payload.tenantId, min, MIN_VERSION_WAIT_MS)) === 'pending') {
        throw new AppError('service-unavailable', `The figures do not reflect version ${min} yet; retry shortly.`);
      }
      reply = await this.bus.requestRaw(contract, payload);
    }
    if (reply.version !== undefined) void res.header(VERSION_HEADER, reply.version);
    sendCachedJson(req, res, reply);
  }

  /** From the near-cache, else through the cache-gateway as the bytes it stored, else (no cache-gateway) from the source. */
  private async read<C extends RequestContract>(contract: C, payload: RequestOf<C> & { tenantId: string }): Promise<RawReply> {
    const request = `${contract.subject} ${JSON.stringify(payload)}`;
    const hit = this.near.get(contract.subject, payload.tenantId, request);
    if (hit) return hit;
    const generation = this.near.generation(payload.tenantId);
    const reply = await this.bus.requestRaw(cachedRead(contract), payload).catch((error: unknown) => {
      // No cache-gateway answering: the figures are still one hop away at the source.
      if (error instanceof AppError && error.code === 'service-unavailable') return undefined;
      throw error;
    });
    if (!reply) return this.bus.requestRaw(contract, payload);
    this.near.set(payload.tenantId, request, reply, generation);
    return reply;
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
    @Query(new ZodPipe(statsQuerySchema, 'query')) q: StatsQuery,
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.forward(req, res, getStats, { tenantId: t.tenantId, ...q });
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

function minVersionOf(req: FastifyRequest): Version | undefined {
  const header = req.headers[MIN_VERSION_HEADER.toLowerCase()];
  if (header === undefined) return undefined;
  const parsed = versionString.safeParse(header);
  if (!parsed.success) {
    throw new AppError('malformed-request', `${MIN_VERSION_HEADER} must be a version returned by a write.`, [
      { field: MIN_VERSION_HEADER, message: 'must be a version returned by a write' },
    ]);
  }
  return parsed.data;
}

const reflects = (reply: RawReply, min: Version): boolean => reply.version !== undefined && versionAtLeast(reply.version, min);
