import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG } from './tokens';
import { AuthModule } from './auth/auth.module';
import { BudgetModule } from './budget/budget.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DemoModule } from './demo/demo.module';
import { ImportsModule } from './imports/imports.module';
import { LiveModule } from './live/live.module';
import { TasksModule } from './tasks/tasks.module';
import type { GatewayConfig } from './config';
import { migrations } from './migrations';
import { MonitoringModule } from './monitoring/monitoring.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { TenantsModule } from './tenants/tenants.module';
import { TransactionsModule } from './transactions/transactions.module';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'gateway', migrations, ...databaseTimeouts(config) }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'api-gateway',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, db: DataSource) => [natsReadiness(bus), postgresReadiness(db)],
        }),
        RateLimitModule.forRoot(logger),
        AuthModule,
        TenantsModule,
        TransactionsModule,
        BudgetModule,
        DashboardModule,
        LiveModule.forRoot(logger),
        ImportsModule,
        TasksModule,
        MonitoringModule,
        DemoModule,
      ],
    };
  }
}
