import { databaseTimeouts, DatabaseModule, postgresReadiness } from '@ledgerline/database';
import { MessagingModule, NatsBus, natsReadiness } from '@ledgerline/messaging';
import { HealthModule, LOGGER } from '@ledgerline/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import type pino from 'pino';
import { DataSource } from 'typeorm';
import { INGESTION_CONFIG } from './tokens';
import type { IngestionConfig } from './config';
import { ImportsModule } from './imports/imports.module';
import { migrations } from './migrations';
import { RowsModule } from './rows/rows.module';
import { SearchModule } from './search/search.module';
import { TransactionsModule } from './transactions/transactions.module';

/** ingestion: owns transactions, imports and the outbox. */
@Module({})
export class AppModule {
  static forRoot(config: IngestionConfig, logger: pino.Logger): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: INGESTION_CONFIG, useValue: config },
      ],
      exports: [LOGGER, INGESTION_CONFIG],
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL, schema: 'ingestion', migrations, ...databaseTimeouts(config) }),
        MessagingModule.forRoot({
          url: config.NATS_URL,
          serviceName: 'ingestion',
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          logger,
        }),
        HealthModule.forRoot({
          inject: [NatsBus, DataSource],
          checks: (bus: NatsBus, db: DataSource) => [natsReadiness(bus), postgresReadiness(db)],
        }),
        TransactionsModule,
        ImportsModule,
        RowsModule,
        SearchModule,
      ],
    };
  }
}
