import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { NearCache } from './near-cache';

@Module({ controllers: [DashboardController], providers: [NearCache] })
export class DashboardModule {}
