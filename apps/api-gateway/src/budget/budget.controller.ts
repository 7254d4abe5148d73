import {
  cachedRead,
  calculateProvisions,
  createFixedLine,
  createProvision,
  deleteFixedLine,
  deleteProvision,
  fixedLineBodySchema,
  fixedLinePatchSchema,
  getFixedLine,
  getProvision,
  listFixedLines,
  listProvisions,
  monthString,
  provisionBodySchema,
  provisionPatchSchema,
  updateFixedLine,
  updateProvision,
  type FixedLine,
  type FixedLineBody,
  type FixedLinePatch,
  type Provision,
  type ProvisionBody,
  type ProvisionPatch,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { DashboardReader } from '../dashboard/dashboard-reader';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ZodPipe } from '../http/zod-body.pipe';

const monthQuery = z.object({ month: monthString });
const IdPipe = (what: string) => new UuidParamPipe(what);

@Controller('v1/fixed-lines')
@UseGuards(TenantGuard)
export class FixedLinesController {
  constructor(private readonly bus: NatsBus) {}

  @Get()
  list(@Tenant() tenant: TenantPrincipal): Promise<{ fixedLines: FixedLine[] }> {
    return this.bus.request(cachedRead(listFixedLines), { tenantId: tenant.tenantId });
  }

  @Post()
  @HttpCode(201)
  create(@Tenant() tenant: TenantPrincipal, @Body(new ZodPipe(fixedLineBodySchema)) body: FixedLineBody): Promise<FixedLine> {
    return this.bus.request(createFixedLine, { tenantId: tenant.tenantId, body });
  }

  @Get(':id')
  get(@Tenant() tenant: TenantPrincipal, @Param('id', IdPipe('fixed line id')) id: string): Promise<FixedLine> {
    return this.bus.request(getFixedLine, { tenantId: tenant.tenantId, id });
  }

  @Patch(':id')
  update(
    @Tenant() tenant: TenantPrincipal,
    @Param('id', IdPipe('fixed line id')) id: string,
    @Body(new ZodPipe(fixedLinePatchSchema)) patch: FixedLinePatch,
  ): Promise<FixedLine> {
    return this.bus.request(updateFixedLine, { tenantId: tenant.tenantId, id, patch });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Tenant() tenant: TenantPrincipal, @Param('id', IdPipe('fixed line id')) id: string): Promise<void> {
    await this.bus.request(deleteFixedLine, { tenantId: tenant.tenantId, id });
  }
}

@Controller('v1/provisions')
@UseGuards(TenantGuard)
export class ProvisionsController {
  constructor(
    private readonly bus: NatsBus,
    private readonly reader: DashboardReader,
  ) {}

  @Get()
  list(@Tenant() tenant: TenantPrincipal): Promise<{ provisions: Provision[] }> {
    return this.bus.request(cachedRead(listProvisions), { tenantId: tenant.tenantId });
  }

  /** Declared before `:id` so "calculate" is never taken for an id. */
  @Get('calculate')
  async calculate(
    @Tenant() tenant: TenantPrincipal,
    @Query(new ZodPipe(monthQuery, 'query')) query: { month: string },
    @Req() req: FastifyRequest,
    @Res() res: FastifyReply,
  ): Promise<void> {
    await this.reader.answer(req, res, { contract: calculateProvisions, payload: { tenantId: tenant.tenantId, month: query.month } });
  }

  @Post()
  @HttpCode(201)
  create(@Tenant() tenant: TenantPrincipal, @Body(new ZodPipe(provisionBodySchema)) body: ProvisionBody): Promise<Provision> {
    return this.bus.request(createProvision, { tenantId: tenant.tenantId, body });
  }

  @Get(':id')
  get(@Tenant() tenant: TenantPrincipal, @Param('id', IdPipe('provision id')) id: string): Promise<Provision> {
    return this.bus.request(getProvision, { tenantId: tenant.tenantId, id });
  }

  @Patch(':id')
  update(
    @Tenant() tenant: TenantPrincipal,
    @Param('id', IdPipe('provision id')) id: string,
    @Body(new ZodPipe(provisionPatchSchema)) patch: ProvisionPatch,
  ): Promise<Provision> {
    return this.bus.request(updateProvision, { tenantId: tenant.tenantId, id, patch });
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Tenant() tenant: TenantPrincipal, @Param('id', IdPipe('provision id')) id: string): Promise<void> {
    await this.bus.request(deleteProvision, { tenantId: tenant.tenantId, id });
  }
}
