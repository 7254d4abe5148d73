import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule, LOGGER } from '@ledgerline/runtime';
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
import { PROVISIONS_CONFIG } from './tokens';

/** provisions: owns tenant configuration (members, categories), fixed lines and provisions, and the plans built from them. */
@Module({})
export class AppModule {
  static forRoot(config: ProvisionsConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: PROVISIONS_CONFIG, useValue: config },
      ],
      exports: [LOGGER, PROVISIONS_CONFIG],
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
