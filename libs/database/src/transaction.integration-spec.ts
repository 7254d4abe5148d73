import { DataSource } from 'typeorm';
import { transactionAt } from './transaction';

const url = () => {
  const value = process.env.IT_DATABASE_URL;
  if (!value) throw new Error('IT_DATABASE_URL is not set: run this spec through the integration jest project');
  return value;
};

describe('transactionAt', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: url(), extra: { max: 2 } }).initialize();
    await db.query('CREATE TABLE IF NOT EXISTS transaction_at_it (n int)');
  });

  afterAll(async () => {
    await db.query('DROP TABLE IF EXISTS transaction_at_it');
    await db.destroy();
  });

  it('runs the work in one transaction at the isolation asked for, and commits it', async () => {
    const seen = await transactionAt(db, 'REPEATABLE READ', async (em) => {
      await em.query('INSERT INTO transaction_at_it VALUES (1)');
      const [{ transaction_isolation }] = (await em.query('SHOW transaction_isolation')) as { transaction_isolation: string }[];
      const [{ same }] = (await em.query('SELECT txid_current_if_assigned() IS NOT NULL AS same')) as { same: boolean }[];
      return { transaction_isolation, same };
    });
    expect(seen).toEqual({ transaction_isolation: 'repeatable read', same: true });
    expect(await db.query('SELECT n FROM transaction_at_it WHERE n = 1')).toEqual([{ n: 1 }]);
  });

  it('rolls everything back when the work throws, and hands the connection back usable', async () => {
    await expect(
      transactionAt(db, 'SERIALIZABLE', async (em) => {
        await em.query('INSERT INTO transaction_at_it VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.query('SELECT n FROM transaction_at_it WHERE n = 2')).toEqual([]);
    // Both pooled connections are idle, outside any transaction.
    const states = await Promise.all([db.query('SELECT 1 AS ok'), db.query('SELECT 1 AS ok')]);
    expect(states).toEqual([[{ ok: 1 }], [{ ok: 1 }]]);
  });
});
