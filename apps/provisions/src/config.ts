import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({ ...serviceEnv, ...databaseEnv, PORT: port(3003) });

export type ProvisionsConfig = z.output<typeof schema>;

export const loadProvisionsConfig = (env: NodeJS.ProcessEnv = process.env): ProvisionsConfig => loadConfig(schema, env);
