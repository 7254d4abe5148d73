import { Module } from '@nestjs/common';
import { ChangeConsumer } from './change-consumer';
import { MemberRollupsBackfill } from './member-backfill';
import { RollupsHandlers } from './rollups.handlers';
import { RollupsRepository } from './rollups.repository';
import { RollupsService } from './rollups.service';

@Module({
  providers: [RollupsRepository, RollupsService, RollupsHandlers, ChangeConsumer, MemberRollupsBackfill],
  exports: [RollupsService],
})
export class RollupsModule {}
