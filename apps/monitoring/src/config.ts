import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({ ...serviceEnv, ...databaseEnv, PORT: port(3005) });

export type MonitoringConfig = z.output<typeof schema>;

export const loadMonitoringConfig = (env: NodeJS.ProcessEnv = process.env): MonitoringConfig => loadConfig(schema, env);
