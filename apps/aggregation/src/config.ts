import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({ ...serviceEnv, ...databaseEnv, PORT: port(3002) });

export type AggregationConfig = z.output<typeof schema>;

export const loadAggregationConfig = (env: NodeJS.ProcessEnv = process.env): AggregationConfig => loadConfig(schema, env);
