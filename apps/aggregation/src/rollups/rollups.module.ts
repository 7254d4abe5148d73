import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ChangeConsumer } from './change-consumer';
import { RollupsHandlers } from './rollups.handlers';
import { RollupsRepository } from './rollups.repository';
import { RollupsService } from './rollups.service';

@Module({
  imports: [NotificationsModule],
  providers: [RollupsRepository, RollupsService, RollupsHandlers, ChangeConsumer],
  exports: [RollupsService],
})
export class RollupsModule {}
