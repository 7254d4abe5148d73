import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule, LOGGER } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import type { AggregationConfig } from './config';
import { DashboardModule } from './dashboard/dashboard.module';
import { migrations } from './migrations';
import { RollupsModule } from './rollups/rollups.module';
import { TasksModule } from './tasks/tasks.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AGGREGATION_CONFIG } from './tokens';

/** aggregation: owns monthly rollups, tasks and exports, budgets and their notifications. */
@Module({})
export class AppModule {
  static forRoot(config: AggregationConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: AGGREGATION_CONFIG, useValue: config },
      ],
      exports: [LOGGER, AGGREGATION_CONFIG],
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'aggregation', migrations, ...databaseTimeouts(config) }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'aggregation',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, db: DataSource) => [natsReadiness(bus), postgresReadiness(db)],
        }),
        RollupsModule,
        DashboardModule,
        TasksModule,
        NotificationsModule,
      ],
    };
  }
}
