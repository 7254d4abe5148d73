import { Watermarks } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { DashboardReader } from './dashboard-reader';
import { DashboardViews } from './dashboard-views';
import { NearCache } from './near-cache';
import { NearCacheFreshness } from './near-cache-freshness';

@Module({
  controllers: [DashboardController],
  providers: [NearCacheFreshness, NearCache, Watermarks, DashboardReader, DashboardViews],
  exports: [DashboardReader, Watermarks],
})
export class DashboardModule {}
