import { Watermarks } from '@ledgerline/messaging';
import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { NearCache } from './near-cache';

@Module({ controllers: [DashboardController], providers: [NearCache, Watermarks] })
export class DashboardModule {}
