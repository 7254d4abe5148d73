import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { migrateSchema } from './migrate';

const url = process.env.IT_DATABASE_URL as string;

/** Not idempotent on purpose: a second run of it fails ("relation already exists"). */
function migrationsFor(schema: string): (new () => MigrationInterface)[] {
  class CreateThings1700000000000 implements MigrationInterface {
    name = 'CreateThings1700000000000';
    async up(q: QueryRunner): Promise<void> {
      // Hold the window open so concurrent runners really overlap.
      await q.query('SELECT pg_sleep(0.3)');
      await q.query(`CREATE TABLE "${schema}".things (id int PRIMARY KEY)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP TABLE "${schema}".things`);
    }
  }
  class AddThing1700000000001 implements MigrationInterface {
    name = 'AddThing1700000000001';
    async up(q: QueryRunner): Promise<void> {
      await q.query(`INSERT INTO "${schema}".things VALUES (1)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DELETE FROM "${schema}".things`);
    }
  }
  return [CreateThings1700000000000, AddThing1700000000001];
}

describe('migrateSchema', () => {
  it('lets pods started together migrate a new schema exactly once', async () => {
    const schema = `mig_${randomUUID().slice(0, 8)}`;
    const migrations = migrationsFor(schema);
    const runs = await Promise.all([1, 2, 3, 4].map(() => migrateSchema({ url, schema, migrations })));

    // One runner ran both migrations; the others waited on the lock and found nothing pending.
    expect(runs.map((ran) => ran.length).sort()).toEqual([0, 0, 0, 2]);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const recorded = await client.query(`SELECT name FROM "${schema}".migrations ORDER BY id`);
      expect(recorded.rows.map((r: { name: string }) => r.name)).toEqual(['CreateThings1700000000000', 'AddThing1700000000001']);
      expect((await client.query(`SELECT count(*)::int AS n FROM "${schema}".things`)).rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('rolls a failed run back whole, so the next run starts clean', async () => {
    const schema = `mig_${randomUUID().slice(0, 8)}`;
    class Broken1700000000002 implements MigrationInterface {
      name = 'Broken1700000000002';
      async up(q: QueryRunner): Promise<void> {
        await q.query('SELECT * FROM no_such_table');
      }
      async down(): Promise<void> {
        // Nothing to undo: up() never succeeds.
      }
    }
    await expect(migrateSchema({ url, schema, migrations: [...migrationsFor(schema), Broken1700000000002] })).rejects.toThrow(
      /no_such_table/,
    );
    expect(await migrateSchema({ url, schema, migrations: migrationsFor(schema) })).toEqual([
      'CreateThings1700000000000',
      'AddThing1700000000001',
    ]);
  });
});
