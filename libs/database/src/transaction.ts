import type { DataSource, EntityManager } from 'typeorm';

export type SnapshotIsolation = 'REPEATABLE READ' | 'SERIALIZABLE';

/**
 * A transaction at `isolation`, begun with one statement. TypeORM's own
 * (`dataSource.transaction(level, work)`) sends START TRANSACTION and then
 * SET TRANSACTION ISOLATION LEVEL: a second round trip on every transaction,
 * which on the write path (a change applied, a month's source read) is one
 * more write to the socket and one more wait for PostgreSQL. `work` gets a
 * manager bound to the transaction's connection; a throw rolls it back.
 */
export async function transactionAt<T>(db: DataSource, isolation: SnapshotIsolation, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  try {
    await runner.connect();
    await runner.query(`START TRANSACTION ISOLATION LEVEL ${isolation}`);
    let result: T;
    try {
      result = await work(runner.manager);
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await runner.query('COMMIT');
    return result;
  } finally {
    await runner.release();
  }
}
