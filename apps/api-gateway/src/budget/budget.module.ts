import { Module } from '@nestjs/common';
import { FixedLinesController, ProvisionsController } from './budget.controller';

@Module({ controllers: [FixedLinesController, ProvisionsController] })
export class BudgetModule {}
