import { TenantMembers } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { RollupsModule } from '../rollups/rollups.module';
import { DashboardHandlers } from './dashboard.handlers';
import { DashboardQueries } from './dashboard.queries';
import { DashboardService } from './dashboard.service';

@Module({ imports: [RollupsModule], providers: [DashboardQueries, DashboardService, DashboardHandlers, TenantMembers] })
export class DashboardModule {}
