import {
  budgetsBodySchema,
  getWebhooks,
  listBudgets,
  putBudgets,
  putWebhooks,
  VERSION_HEADER,
  webhooksBodySchema,
  type Budgets,
  type BudgetsBody,
  type Webhooks,
  type WebhooksBody,
  type WriteOutcome,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Body, Controller, Get, Put, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { DashboardReader } from '../dashboard/dashboard-reader';
import { ZodPipe } from '../http/zod-body.pipe';

@Controller('v1/budgets')
@UseGuards(TenantGuard)
export class BudgetsController {
  constructor(
    private readonly bus: NatsBus,
    private readonly reader: DashboardReader,
  ) {}

  /** Through the caches like a dashboard read, with the version it reflects and an ETag. */
  @Get()
  async list(@Tenant() tenant: TenantPrincipal, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    await this.reader.answer(req, res, { contract: listBudgets, payload: { tenantId: tenant.tenantId } });
  }

  /** A write like any other: it answers with the version it was made at, in the body and the header. */
  @Put()
  async replace(
    @Tenant() tenant: TenantPrincipal,
    @Body(new ZodPipe(budgetsBodySchema)) body: BudgetsBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Budgets & WriteOutcome> {
    const outcome = await this.bus.request(putBudgets, { tenantId: tenant.tenantId, body });
    void reply.header(VERSION_HEADER, outcome.version);
    return outcome;
  }
}

@Controller('v1/tenant/webhooks')
@UseGuards(TenantGuard)
export class WebhooksController {
  constructor(private readonly bus: NatsBus) {}

  @Get()
  get(@Tenant() tenant: TenantPrincipal): Promise<Webhooks> {
    return this.bus.request(getWebhooks, { tenantId: tenant.tenantId });
  }

  @Put()
  replace(
    @Tenant() tenant: TenantPrincipal,
    @Body(new ZodPipe(webhooksBodySchema)) body: WebhooksBody,
  ): Promise<Pick<Webhooks, 'webhooks'>> {
    return this.bus.request(putWebhooks, { tenantId: tenant.tenantId, body });
  }
}
