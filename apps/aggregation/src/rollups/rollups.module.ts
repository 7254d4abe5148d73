import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ChangeConsumer } from './change-consumer';
import { MemberRollupsBackfill } from './member-backfill';
import { RollupsHandlers } from './rollups.handlers';
import { RollupsRepository } from './rollups.repository';
import { ApplyLag } from './apply-lag';
import { RollupsService } from './rollups.service';

@Module({
  imports: [NotificationsModule],
  providers: [ApplyLag, RollupsRepository, RollupsService, RollupsHandlers, ChangeConsumer, MemberRollupsBackfill],
  exports: [RollupsService],
})
export class RollupsModule {}
