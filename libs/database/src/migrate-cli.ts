/**
 * Runs the migrations of the named services and exits: the Helm pre-install/pre-upgrade
 * Job (k8s/ledgerline/templates/migrations-job.yaml) runs this from the image.
 *   DATABASE_URL=… node dist/libs/database/src/migrate-cli.js ingestion:ingestion api-gateway:gateway …
 * Each argument is <service>:<schema>; the service's compiled migrations are loaded
 * from dist/apps/<service>/src/migrations. Services run one after another, in order.
 */
import { join } from 'node:path';
import { migrateSchema } from './migrate';

async function main(args: string[]): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  if (args.length === 0) throw new Error('usage: migrate-cli <service>:<schema>...');
  for (const arg of args) {
    const [service, schema] = arg.split(':');
    if (!service || !schema || !/^[a-z-]+$/.test(service) || !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`bad argument ${arg}: expected <service>:<schema>`);
    // dist/libs/database/src → dist/apps/<service>/src/migrations
    const { migrations } = require(join(__dirname, '..', '..', '..', 'apps', service, 'src', 'migrations')) as { migrations: unknown[] };
    if (!Array.isArray(migrations)) throw new Error(`${service} exports no migrations`);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    const ran = await migrateSchema({ url, schema, migrations: migrations as Function[] });
    process.stdout.write(`${JSON.stringify({ service, schema, ran })}\n`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`migrations failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
