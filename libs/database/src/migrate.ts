import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';

/** Migrations may build indexes over big tables: they get minutes, not the request bound. */
export const MIGRATION_TIMEOUT_MS = 600_000;

/**
 * Runs a schema's pending migrations so that pods started together never race:
 * one transaction takes a transaction-scoped advisory lock keyed by the schema,
 * creates the schema, and runs every pending migration (TypeORM's "all" mode on
 * that same query runner). A second runner blocks on the lock, then finds nothing
 * pending. `pg_advisory_xact_lock` (not a session lock on a side connection) so the
 * lock lives exactly as long as the transaction that holds it: safe behind a
 * transaction-pooling PgBouncer, and released by PostgreSQL if the pod dies.
 * Returns the names of the migrations this call ran.
 *
 * The DDL's bound is set with `SET LOCAL`, inside the transaction: behind
 * PgBouncer the connection's startup parameters are dropped
 * (`ignore_startup_parameters`), so DDL would otherwise get the database's
 * request-sized default, and a plain `SET` would outlive the transaction on a
 * pooled server connection that the next client then inherits.
 */
export async function migrateUnderLock(dataSource: DataSource, schema: string, timeoutMs = MIGRATION_TIMEOUT_MS): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    const ms = Math.round(timeoutMs);
    await runner.query(`SET LOCAL statement_timeout = ${ms}`);
    await runner.query(`SET LOCAL idle_in_transaction_session_timeout = ${ms}`);
    await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledgerline.migrations.${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    const ran = await executor.executePendingMigrations();
    await runner.commitTransaction();
    return ran.map((m) => m.name);
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/** Migrates one schema on a short-lived single connection (the migrations Job, tests). */
export async function migrateSchema(options: Pick<DataSourceOptions, 'migrations'> & { url: string; schema: string }): Promise<string[]> {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: 1, application_name: `${options.schema}-migrations` },
  }).initialize();
  try {
    return await migrateUnderLock(dataSource, options.schema);
  } finally {
    await dataSource.destroy();
  }
}
