import { Module } from '@nestjs/common';
import { DashboardModule } from '../dashboard/dashboard.module';
import { FixedLinesController, ProvisionsController } from './budget.controller';
import { BudgetsController, WebhooksController } from './budgets.controller';

@Module({ imports: [DashboardModule], controllers: [FixedLinesController, ProvisionsController, BudgetsController, WebhooksController] })
export class BudgetModule {}
