import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { isReferenceTable, REFERENCE_TABLES } from './reference-tables';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'libs', 'database', 'src', 'migrate-cli.js');

/** Every service with a schema, as the Helm migrations Job runs them: `<service>:<schema>` from the chart's values. */
function serviceSchemas(): { arg: string; schema: string }[] {
  const values = parse(readFileSync(join(root, 'k8s', 'ledgerline', 'values.yaml'), 'utf8')) as {
    services: Record<string, { databaseSchema?: string }>;
  };
  return Object.entries(values.services)
    .filter(([, service]) => service.databaseSchema)
    .map(([name, service]) => ({ arg: `${name}:${service.databaseSchema}`, schema: service.databaseSchema as string }));
}

interface KeyIndex {
  schema: string;
  table: string;
  index: string;
  firstColumn: string | null;
  definition: string;
}

/**
 * A tenant-distributed (Citus) schema needs every primary key and unique index
 * to lead with the distribution column: this migrates a fresh database with
 * every service's migrations (the production CLI, from dist/: `npm run build`
 * first) and reads the catalog.
 */
describe("the services' keys lead with tenant_id", () => {
  const database = `tenant_keys_${randomUUID().slice(0, 8)}`;
  const schemas = serviceSchemas();
  let url: string;
  let db: Client;

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    const admin = new Client({ connectionString: process.env.IT_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
    const target = new URL(process.env.IT_DATABASE_URL as string);
    target.pathname = `/${database}`;
    url = target.toString();
    const migrated = spawnSync(process.execPath, [cli, ...schemas.map((s) => s.arg)], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrate-cli failed (exit ${migrated.status}):\n${migrated.stdout}\n${migrated.stderr}`);
    db = new Client({ connectionString: url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    const admin = new Client({ connectionString: process.env.IT_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).finally(() => admin.end());
  });

  it('migrated every schema the chart names', async () => {
    expect(schemas.map((s) => s.schema).sort()).toEqual(['aggregation', 'gateway', 'ingestion', 'monitoring', 'provisions']);
    const { rows } = await db.query<{ schema: string }>(
      'SELECT DISTINCT table_schema AS schema FROM information_schema.tables WHERE table_schema = ANY($1)',
      [schemas.map((s) => s.schema)],
    );
    expect(rows.map((r) => r.schema).sort()).toEqual(schemas.map((s) => s.schema).sort());
  });

  it('has no primary key or unique index that does not lead with tenant_id, outside the reference tables', async () => {
    const { rows } = await db.query<KeyIndex>(
      `SELECT n.nspname AS schema, t.relname AS table, i.relname AS index,
              (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[0]) AS "firstColumn",
              pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE (x.indisprimary OR x.indisunique) AND n.nspname = ANY($1)
        ORDER BY 1, 2, 3`,
      [schemas.map((s) => s.schema)],
    );
    const tenantKeys = rows.filter((r) => !isReferenceTable(r.schema, r.table));
    // Not vacuous: the tenant-owned tables' keys were found.
    expect(tenantKeys.length).toBeGreaterThan(10);
    expect(tenantKeys.filter((r) => r.firstColumn !== 'tenant_id').map((r) => r.definition)).toEqual([]);
  });

  it('gives every tenant-owned table a tenant_id column to distribute by', async () => {
    const { rows } = await db.query<{ schema: string; table: string; tenantColumn: boolean }>(
      `SELECT t.table_schema AS schema, t.table_name AS table,
              EXISTS (SELECT 1 FROM information_schema.columns c
                       WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                         AND c.column_name = 'tenant_id' AND c.is_nullable = 'NO') AS "tenantColumn"
         FROM information_schema.tables t
        WHERE t.table_schema = ANY($1) AND t.table_type = 'BASE TABLE'
        ORDER BY 1, 2`,
      [schemas.map((s) => s.schema)],
    );
    expect(rows.filter((r) => !r.tenantColumn && !isReferenceTable(r.schema, r.table)).map((r) => `${r.schema}.${r.table}`)).toEqual([]);
  });

  it('lists only reference tables that exist', async () => {
    const { rows } = await db.query<{ name: string }>(
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema = ANY($1)`,
      [schemas.map((s) => s.schema)],
    );
    const names = new Set(rows.map((r) => r.name));
    const missing = Object.keys(REFERENCE_TABLES).filter((name) =>
      name.startsWith('*.') ? !schemas.every((s) => names.has(`${s.schema}.${name.slice(2)}`)) : !names.has(name),
    );
    expect(missing).toEqual([]);
  });
});
