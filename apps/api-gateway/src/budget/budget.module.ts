import { Module } from '@nestjs/common';
import { FixedLinesController, ProvisionsController } from './budget.controller';
import { BudgetsController, WebhooksController } from './budgets.controller';

@Module({ controllers: [FixedLinesController, ProvisionsController, BudgetsController, WebhooksController] })
export class BudgetModule {}
