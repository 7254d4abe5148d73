import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions, type EntityManager, type MixedList, type EntitySchema } from 'typeorm';
import { MIGRATION_TIMEOUT_MS, migrateUnderLock } from './migrate';

export interface DatabaseModuleOptions {
  url: string;
  /** The service's own PostgreSQL schema; its migrations table lives there too. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** Bound on one statement, server- and client-side (DB_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
  /** Bound on opening a connection or waiting for one from the pool (DB_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
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

/** The module options for the DB_* timeout variables of a service's validated config. */
export const databaseTimeouts = (config: { DB_STATEMENT_TIMEOUT_MS: number; DB_CONNECT_TIMEOUT_MS: number }) => ({
  statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
  connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
});

export const DEFAULT_STATEMENT_TIMEOUT_MS = 1_500;
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;

const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * A pg client that drops its connection when its own query_timeout fires.
 * pg leaves the abandoned statement active on the connection, so whatever is
 * queued behind it (the ROLLBACK of the failed transaction) waits out a second
 * full timeout: a request that should fail in 1.75 s failed in 3.7 s. Closing
 * the socket fails those at once, the pool discards the client, and a stalled
 * server that wakes up sees the session end and rolls it back.
 */
export class FailFastClient extends Client {}
const pgQuery = Client.prototype.query as (...args: unknown[]) => unknown;
Object.defineProperty(FailFastClient.prototype, 'query', {
  value: function query(this: Client, ...args: unknown[]): unknown {
    const result = pgQuery.apply(this, args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === QUERY_READ_TIMEOUT) {
          (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
        }
      });
    }
    return result;
  },
});

/**
 * pg pool options that make a stalled PostgreSQL fail fast instead of hanging
 * every request: `statement_timeout` lets a live server cancel a slow statement
 * (SQLSTATE 57014); `query_timeout` is the client's own bound, the only one that
 * works when the server stopped answering (SIGSTOP, a dead host); the connect
 * timeout also bounds the wait for a free pooled connection.
 * Behind PgBouncer the two server-side ones are startup parameters it must be
 * told to ignore; the database's own settings take their place (k8s/README.md,
 * "Behind PgBouncer"). They are not re-sent per transaction with `SET LOCAL`:
 * that would cost a round trip on every transaction for every deployment.
 */
export function timeoutOptions(statementMs: number, connectMs: number) {
  return {
    statement_timeout: statementMs,
    // A little after the server's bound, so a live server's own cancel wins and the connection stays usable.
    query_timeout: statementMs + 250,
    connectionTimeoutMillis: connectMs,
    // A transaction left open by a stalled service would hold locks and a snapshot: the server ends it.
    idle_in_transaction_session_timeout: Math.max(10_000, statementMs * 4),
    Client: FailFastClient,
  };
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
      ...timeoutOptions(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    },
  };
}

/**
 * Runs the schema's pending migrations under its advisory lock, on a
 * short-lived pool of their own with a bound fit for DDL, not for requests.
 */
async function migrate(opts: DataSourceOptions & { extra: Record<string, unknown> }, schema: string): Promise<void> {
  const migrator = await new DataSource({
    ...opts,
    extra: { ...opts.extra, max: 1, ...timeoutOptions(MIGRATION_TIMEOUT_MS, 10_000) },
  }).initialize();
  try {
    await migrateUnderLock(migrator, schema);
  } finally {
    await migrator.destroy();
  }
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
            if (migrationsAtBoot()) await migrate(opts as DataSourceOptions & { extra: Record<string, unknown> }, options.schema);
            return new DataSource(opts as DataSourceOptions).initialize();
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

interface PgClientParameters {
  connectionParameters: { query_timeout?: number };
}

/**
 * Gives the statements of `work` — inside the transaction `em` belongs to — a
 * longer bound than a request's: imports streaming a COPY, month rebuilds.
 * `SET LOCAL` ends with the transaction; the client-side bound is restored here.
 */
export async function withLongStatements<T>(em: EntityManager, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const client = (em.queryRunner as unknown as { databaseConnection?: PgClientParameters } | undefined)?.databaseConnection;
  if (!client) throw new Error('withLongStatements needs an entity manager bound to a transaction');
  const ms = Math.round(timeoutMs);
  await em.query(`SET LOCAL statement_timeout = ${ms}`);
  await em.query(`SET LOCAL idle_in_transaction_session_timeout = ${ms}`);
  const params = client.connectionParameters;
  const before = params.query_timeout;
  params.query_timeout = ms + 250;
  try {
    return await work();
  } finally {
    params.query_timeout = before;
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
