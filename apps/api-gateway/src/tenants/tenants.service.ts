import {
  createTenantConfig,
  getTenantConfig,
  updateTenantConfig,
  type CreateTenantBody,
  type PatchTenantBody,
  type TenantConfig,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hashApiKey, keyPrefix, mintApiKey } from '../auth/api-key';
import { ApiKeyRepository } from '../auth/api-key.repository';

@Injectable()
export class TenantsService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly bus: NatsBus,
  ) {}

  /**
   * The tenant and its first key commit only once provisions has stored the
   * budget config, so a failed create leaves no usable tenant behind.
   */
  async create(body: CreateTenantBody): Promise<TenantConfig & { apiKey: string }> {
    const tenantId = randomUUID();
    const apiKey = mintApiKey();
    return this.keys.transaction(async (em) => {
      await this.keys.insertTenant(em, tenantId);
      await this.keys.insertKey({ id: randomUUID(), tenantId, prefix: keyPrefix(apiKey), hash: hashApiKey(apiKey) }, em);
      const config = await this.bus.request(createTenantConfig, { tenantId, config: body });
      return { ...config, apiKey };
    });
  }

  get(tenantId: string): Promise<TenantConfig> {
    return this.bus.request(getTenantConfig, { tenantId });
  }

  update(tenantId: string, patch: PatchTenantBody): Promise<TenantConfig> {
    return this.bus.request(updateTenantConfig, { tenantId, patch });
  }
}
