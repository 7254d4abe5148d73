import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FixedLineEntity, ProvisionEntity } from '../budget/budget.entities';
import { MemberReferences } from './member-references';
import { TenantConfigEntity } from './tenant-config.entity';
import { TenantConfigHandlers } from './tenant-config.handlers';
import { TenantConfigRepository } from './tenant-config.repository';
import { TenantConfigService } from './tenant-config.service';

@Module({
  imports: [TypeOrmModule.forFeature([TenantConfigEntity, FixedLineEntity, ProvisionEntity])],
  providers: [TenantConfigRepository, TenantConfigService, TenantConfigHandlers, MemberReferences],
  exports: [TenantConfigService],
})
export class TenantConfigModule {}
