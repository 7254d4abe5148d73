import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { migrateUnderLock } from './migrate';

export interface DatabaseModuleOptions {
  url: string;
  /** The service's own PostgreSQL schema; its migrations table lives there too. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
}

/**
 * MIGRATIONS_AT_BOOT=false: the Helm migrations Job has already run them (libs/database/src/migrate-cli.ts).
 * Default true, so `npm start`, compose and tests migrate at boot, serialised by the advisory lock.
 */
function migrationsAtBoot(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.MIGRATIONS_AT_BOOT ?? 'true';
  if (value !== 'true' && value !== 'false') throw new Error(`MIGRATIONS_AT_BOOT must be true or false, got ${value}`);
  return value === 'true';
}

export function dataSourceOptions(options: DatabaseModuleOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    // Run by migrateUnderLock (below), never by TypeORM on its own: pods started together must not race.
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.schema,
      // A new connection costs PostgreSQL a backend process. pg's default (close after 10 s idle) turned every
      // lull of more than 10 s into a burst of connects on the next traffic: the first requests waited 150-240 ms.
      idleTimeoutMillis: 60_000,
    },
  };
}

/** TypeORM for one service: its own schema, migrations run at start (unless a Job ran them). */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(options),
          dataSourceFactory: async (opts) => {
            const dataSource = await new DataSource(opts as DataSourceOptions).initialize();
            if (migrationsAtBoot()) await migrateUnderLock(dataSource, options.schema);
            return dataSource;
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

/** `/readyz` check: PostgreSQL answers. */
export const postgresReadiness = (dataSource: DataSource) => ({
  name: 'postgres',
  check: async () => {
    await dataSource.query('SELECT 1');
    return true;
  },
});
