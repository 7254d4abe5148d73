import { z } from 'zod';
import { cachesInvalidated } from '../cache/cache.contracts';
import { defineEvent, defineRequest } from '../common/contract';
import { tenantId } from '../common/primitives';
import { createTenantBodySchema, patchTenantBodySchema, type TenantConfig } from './tenant-config.schema';

export const createTenantConfig = defineRequest<TenantConfig>()(
  'provisions.tenant.create.v1',
  z.object({ tenantId, config: createTenantBodySchema }),
);

export const getTenantConfig = defineRequest<TenantConfig>()('provisions.tenant.get.v1', z.object({ tenantId }));

export const updateTenantConfig = defineRequest<TenantConfig>()(
  'provisions.tenant.update.v1',
  z.object({ tenantId, patch: patchTenantBodySchema }),
);

/** Tenant budget config changed: every cached figure of the tenant is stale. */
export const tenantConfigChanged = defineEvent(
  'events.tenant.config-changed.v1',
  z.object({ eventId: z.string(), tenantId, occurredAt: z.string(), cachesInvalidated }),
);
