import { TenantMembers } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { RollupsModule } from '../rollups/rollups.module';
import { DashboardHandlers } from './dashboard.handlers';
import { DashboardQueries } from './dashboard.queries';
import { DashboardService } from './dashboard.service';
import { MonthPlans } from './month-plans';

@Module({
  imports: [RollupsModule, NotificationsModule],
  providers: [DashboardQueries, DashboardService, DashboardHandlers, TenantMembers, MonthPlans],
})
export class DashboardModule {}
