import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads env once at boot; throws a ConfigError naming every bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
export const millis = (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback);

/** Variables every service reads. */
export const serviceEnv = {
  HOST: z.string().default('127.0.0.1'),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/.+/, 'must be a nats:// URL')
    .default('nats://127.0.0.1:4222'),
  NATS_REQUEST_TIMEOUT_MS: millis(2_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const databaseEnv = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/ledgerline'),
  /**
   * Fail fast on a stalled or unreachable PostgreSQL: the longest a request's
   * statement may run (enforced by the server and, for a server that stopped
   * answering, by the client) and the longest a connection may take. Below the
   * gateway's request timeout so the caller hears 503/504 within 2 s.
   * Long work (imports, month rebuilds, migrations) sets its own, longer bound.
   */
  DB_STATEMENT_TIMEOUT_MS: millis(1_500),
  DB_CONNECT_TIMEOUT_MS: millis(1_000),
};

export const redisEnv = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
};
