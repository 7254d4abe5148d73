import { DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import type { MonitoringConfig } from './config';
import { migrations } from './migrations';
import { TracesModule } from './traces/traces.module';

/** monitoring: owns latency windows, rules and alerts. */
@Module({})
export class AppModule {
  static forRoot(config: MonitoringConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'monitoring', migrations }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'monitoring',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, ds: DataSource) => [natsReadiness(bus), postgresReadiness(ds)],
        }),
        TracesModule,
      ],
    };
  }
}
