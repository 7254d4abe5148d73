import { Module } from '@nestjs/common';
import { DashboardModule } from '../dashboard/dashboard.module';
import { TransactionsController } from './transactions.controller';

@Module({ imports: [DashboardModule], controllers: [TransactionsController] })
export class TransactionsModule {}
