import { databaseEnv, loadConfig, millis, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({
  ...serviceEnv,
  ...databaseEnv,
  PORT: port(3001),
  /** How long an import, once committed, waits for aggregation to apply it before it is recorded as `"applied": false`. */
  APPLY_TIMEOUT_MS: millis(2_000),
});

export type IngestionConfig = z.output<typeof schema>;

export const loadIngestionConfig = (env: NodeJS.ProcessEnv = process.env): IngestionConfig => loadConfig(schema, env);
