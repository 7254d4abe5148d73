import { loadConfig, millis, port, redisEnv, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const schema = z.object({ ...serviceEnv, ...redisEnv, PORT: port(3004), REDIS_COMMAND_TIMEOUT_MS: millis(50) });

export type CacheGatewayConfig = z.output<typeof schema>;

export const loadCacheGatewayConfig = (env: NodeJS.ProcessEnv = process.env): CacheGatewayConfig => loadConfig(schema, env);
