import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantConfigEntity } from './tenant-config.entity';
import { TenantConfigHandlers } from './tenant-config.handlers';
import { TenantConfigRepository } from './tenant-config.repository';
import { TenantConfigService } from './tenant-config.service';

@Module({
  imports: [TypeOrmModule.forFeature([TenantConfigEntity])],
  providers: [TenantConfigRepository, TenantConfigService, TenantConfigHandlers],
  exports: [TenantConfigService],
})
export class TenantConfigModule {}
