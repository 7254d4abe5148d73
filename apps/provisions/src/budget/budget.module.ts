import { Module } from '@nestjs/common';
import { TenantConfigModule } from '../tenant-config/tenant-config.module';
import { BudgetHandlers } from './budget.handlers';
import { BudgetRepository } from './budget.repository';
import { FixedLinesService } from './fixed-lines.service';
import { ProvisionsService } from './provisions.service';

@Module({
  imports: [TenantConfigModule],
  providers: [BudgetRepository, FixedLinesService, ProvisionsService, BudgetHandlers],
  exports: [FixedLinesService, ProvisionsService],
})
export class BudgetModule {}
