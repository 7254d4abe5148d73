import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({ ...serviceEnv, ...databaseEnv, PORT: port(3001) });

export type IngestionConfig = z.output<typeof schema>;

export const loadIngestionConfig = (env: NodeJS.ProcessEnv = process.env): IngestionConfig => loadConfig(schema, env);
