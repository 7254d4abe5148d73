import { createTenantConfig, getTenantConfig, updateTenantConfig } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TenantConfigService } from './tenant-config.service';

/** NATS adapters: one line each into the service. */
@Injectable()
export class TenantConfigHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly service: TenantConfigService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(createTenantConfig, (req) => this.service.create(req.tenantId, req.config));
    this.bus.serve(getTenantConfig, (req) => this.service.get(req.tenantId));
    this.bus.serve(updateTenantConfig, (req) => this.service.update(req.tenantId, req.patch));
  }
}
