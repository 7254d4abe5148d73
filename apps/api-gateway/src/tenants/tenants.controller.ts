import {
  createTenantBodySchema,
  patchTenantBodySchema,
  type CreateTenantBody,
  type PatchTenantBody,
  type TenantConfig,
} from '@ledgerline/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminGuard, Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import type { ApiKeyRow } from '../auth/api-key.repository';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ZodPipe } from '../http/zod-body.pipe';
import { KeysService } from './keys.service';
import { TenantsService } from './tenants.service';

@Controller('v1/tenants')
@UseGuards(AdminGuard)
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly keys: KeysService,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body(new ZodPipe(createTenantBodySchema)) body: CreateTenantBody): Promise<TenantConfig & { apiKey: string }> {
    return this.tenants.create(body);
  }

  @Post(':id/keys')
  @HttpCode(201)
  mintKey(@Param('id', new UuidParamPipe('tenant id')) id: string): Promise<{ id: string; prefix: string; apiKey: string }> {
    return this.keys.mintForTenant(id);
  }
}

@Controller('v1/tenant')
@UseGuards(TenantGuard)
export class TenantController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly keys: KeysService,
  ) {}

  @Get()
  get(@Tenant() tenant: TenantPrincipal): Promise<TenantConfig> {
    return this.tenants.get(tenant.tenantId);
  }

  @Patch()
  update(@Tenant() tenant: TenantPrincipal, @Body(new ZodPipe(patchTenantBodySchema)) patch: PatchTenantBody): Promise<TenantConfig> {
    return this.tenants.update(tenant.tenantId, patch);
  }

  @Post('keys')
  @HttpCode(201)
  mintKey(@Tenant() tenant: TenantPrincipal): Promise<{ id: string; prefix: string; apiKey: string }> {
    return this.keys.mint(tenant.tenantId);
  }

  /** Which key and tenant this call authenticated as; answered here without any downstream call. */
  @Get('keys/current')
  currentKey(@Tenant() tenant: TenantPrincipal): { id: string; tenantId: string } {
    return { id: tenant.keyId, tenantId: tenant.tenantId };
  }

  @Get('keys')
  async listKeys(@Tenant() tenant: TenantPrincipal): Promise<{ keys: ApiKeyRow[] }> {
    return { keys: await this.keys.list(tenant.tenantId) };
  }

  @Delete('keys/:id')
  @HttpCode(204)
  async revokeKey(@Tenant() tenant: TenantPrincipal, @Param('id', new UuidParamPipe('key id')) id: string): Promise<void> {
    await this.keys.revoke(tenant.tenantId, id);
  }
}
