import { Module } from '@nestjs/common';
import { DashboardHandlers } from './dashboard.handlers';
import { DashboardQueries } from './dashboard.queries';
import { DashboardService } from './dashboard.service';

@Module({ providers: [DashboardQueries, DashboardService, DashboardHandlers] })
export class DashboardModule {}
