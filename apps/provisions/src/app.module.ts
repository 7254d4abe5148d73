import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import type { ProvisionsConfig } from './config';
import { migrations } from './migrations';
import { FixedLineEntity, ProvisionEntity } from './budget/budget.entities';
import { BudgetModule } from './budget/budget.module';
import { PlanningModule } from './planning/planning.module';
import { TenantConfigEntity } from './tenant-config/tenant-config.entity';
import { TenantConfigModule } from './tenant-config/tenant-config.module';

@Module({})
export class AppModule {
  static forRoot(config: ProvisionsConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({
          url: config.DATABASE_URL,
          schema: 'provisions',
          entities: [TenantConfigEntity, FixedLineEntity, ProvisionEntity],
          migrations,
          ...databaseTimeouts(config),
        }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'provisions',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, db: DataSource) => [natsReadiness(bus), postgresReadiness(db)],
        }),
        TenantConfigModule,
        BudgetModule,
        PlanningModule,
      ],
    };
  }
}
