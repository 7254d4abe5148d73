import { Module } from '@nestjs/common';
import { KeysService } from './keys.service';
import { AdminTenantsController, TenantController } from './tenants.controller';
import { TenantsService } from './tenants.service';

@Module({ controllers: [AdminTenantsController, TenantController], providers: [TenantsService, KeysService] })
export class TenantsModule {}
