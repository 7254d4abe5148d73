import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule, LOGGER } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import { MONITORING_CONFIG } from './tokens';
import { AlertsModule } from './alerts/alerts.module';
import { ApiModule } from './api/api.module';
import type { MonitoringConfig } from './config';
import { migrations } from './migrations';
import { StatusModule } from './status/status.module';
import { TracesModule } from './traces/traces.module';

/** monitoring: owns latency windows, rules and alerts. */
@Module({})
export class AppModule {
  static forRoot(config: MonitoringConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: MONITORING_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
      ],
      exports: [MONITORING_CONFIG, LOGGER],
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'monitoring', migrations, ...databaseTimeouts(config) }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'monitoring',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, db: DataSource) => [natsReadiness(bus), postgresReadiness(db)],
        }),
        TracesModule,
        AlertsModule,
        ApiModule,
        StatusModule,
      ],
    };
  }
}
