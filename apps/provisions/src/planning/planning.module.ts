import { Module } from '@nestjs/common';
import { BudgetModule } from '../budget/budget.module';
import { TenantConfigModule } from '../tenant-config/tenant-config.module';
import { PlanningService } from './planning.service';

@Module({ imports: [TenantConfigModule, BudgetModule], providers: [PlanningService] })
export class PlanningModule {}
