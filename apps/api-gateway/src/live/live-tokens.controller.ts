import type { LiveToken } from '@ledgerline/contracts';
import { Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { LIVE_CONFIG } from '../tokens';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import type { LiveConfig } from './live.config';
import { mintLiveToken } from './live-token';

/** Browsers' EventSource cannot send an Authorization header: it opens the stream with a short-lived token instead. */
@Controller('v1/dashboard')
@UseGuards(TenantGuard)
export class LiveTokensController {
  constructor(@Inject(LIVE_CONFIG) private readonly config: LiveConfig) {}

  @Post('live-tokens')
  @HttpCode(201)
  create(@Tenant() tenant: TenantPrincipal): LiveToken {
    const expiresAtMs = Date.now() + this.config.LIVE_TOKEN_TTL_MS;
    const { token } = mintLiveToken(this.config.tokenSecret, { tenantId: tenant.tenantId, keyId: tenant.keyId, expiresAtMs });
    return { token, expiresAt: new Date(expiresAtMs).toISOString() };
  }
}
