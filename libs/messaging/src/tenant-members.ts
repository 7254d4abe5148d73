import { getTenantConfig, tenantConfigChanged } from '@ledgerline/contracts';
import { growingLru } from '@ledgerline/runtime';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { NatsBus } from './nats-bus';

/**
 * Member ids per tenant, asked of provisions (the owner) and cached until the
 * tenant's config-changed event says otherwise; the TTL is only a safety net
 * for a missed event.
 */
@Injectable()
export class TenantMembers implements OnModuleInit {
  private readonly cache = growingLru<string, Set<string>>(50_000, { ttl: 60_000 });

  constructor(private readonly bus: NatsBus) {}

  onModuleInit(): void {
    this.bus.subscribe(tenantConfigChanged, (event) => void this.cache.delete(event.tenantId));
  }

  async of(tenantId: string): Promise<Set<string>> {
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    const config = await this.bus.request(getTenantConfig, { tenantId });
    const members = new Set(config.members.map((m) => m.id));
    this.cache.set(tenantId, members);
    return members;
  }
}
