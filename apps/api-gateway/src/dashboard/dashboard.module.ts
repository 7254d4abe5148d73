import { Watermarks } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardReader } from './dashboard-reader';
import { DashboardViews } from './dashboard-views';
import { NearCache } from './near-cache';

@Module({
  controllers: [DashboardController],
  providers: [NearCache, Watermarks, DashboardReader, DashboardViews],
  exports: [DashboardReader],
})
export class DashboardModule {}
