import { FailFastClient } from './database.module';

const url = () => {
  const value = process.env.IT_DATABASE_URL;
  if (!value) throw new Error('IT_DATABASE_URL is not set: run this spec through the integration jest project');
  return value;
};

describe('FailFastClient', () => {
  it('drops its connection when its own query_timeout fires, so the statements queued behind fail at once', async () => {
    const client = new FailFastClient({ connectionString: url(), query_timeout: 200, application_name: 'fail-fast-it' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await expect(client.query('SELECT pg_sleep(5)')).rejects.toThrow('Query read timeout');
      // What TypeORM does next on the same connection: ROLLBACK. Behind an abandoned statement it would wait out
      // a second timeout; on the dropped connection it fails at once.
      await expect(client.query('ROLLBACK')).rejects.toThrow(/Connection terminated|not queryable/);
      await expect(client.query('SELECT 1')).rejects.toThrow();
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});
