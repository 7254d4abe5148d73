import { DEFAULT_WINDOWS } from '@ledgerline/contracts';
import { ConfigError, databaseEnv, loadConfig, millis, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';
import { loadRules, RulesError, windowsOf, type Rule } from './alerts/rules';

const urlList = z
  .string()
  .default('')
  .transform((text) => text.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be comma-separated http(s) URLs' })));

const schema = z.object({
  ...serviceEnv,
  ...databaseEnv,
  PORT: port(3005),
  /** YAML rules file (see deploy/otel-collector/README.md); SPEC.md defaults without it. */
  MONITORING_RULES_FILE: z.string().optional(),
  MONITORING_EVAL_INTERVAL_MS: millis(10_000),
  MONITORING_WEBHOOK_URLS: urlList,
  MONITORING_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  MONITORING_WEBHOOK_BACKOFF_MS: millis(500),
  MONITORING_WEBHOOK_TIMEOUT_MS: millis(5_000),
  /** Where people reach this service: links in webhook payloads point here. */
  MONITORING_EXTERNAL_URL: z.url().optional(),
});

export type MonitoringConfig = z.output<typeof schema> & { rules: Rule[]; windows: string[]; externalUrl: string };

/** Env and the rules file, both validated at boot: a bad rule stops the service with the reason. */
export function loadMonitoringConfig(env: NodeJS.ProcessEnv = process.env): MonitoringConfig {
  const config = loadConfig(schema, env);
  let rules: Rule[];
  try {
    rules = loadRules(config.MONITORING_RULES_FILE);
  } catch (error) {
    if (error instanceof RulesError) throw new ConfigError([`MONITORING_RULES_FILE: ${error.message}`]);
    throw new ConfigError([`MONITORING_RULES_FILE: cannot read ${config.MONITORING_RULES_FILE}: ${(error as Error).message}`]);
  }
  return {
    ...config,
    rules,
    windows: [...new Set([...DEFAULT_WINDOWS, ...windowsOf(rules)])],
    externalUrl: (config.MONITORING_EXTERNAL_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, ''),
  };
}
