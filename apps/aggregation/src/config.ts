import { databaseEnv, loadConfig, port, serviceEnv } from '@ledgerline/runtime';
import { z } from 'zod';

const HOUR_MS = 3_600_000;
const duration = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** Tenant webhooks (budget.threshold): the SSRF guard's operator switch and the retry schedule. */
const webhookEnv = {
  /** Allow loopback, private, link-local and cluster-internal targets and plain http: local development and tests only. */
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  WEBHOOK_BACKOFF_MS: duration(30_000, HOUR_MS),
  WEBHOOK_BACKOFF_MAX_MS: duration(HOUR_MS, 24 * HOUR_MS),
  WEBHOOK_RETRY_WINDOW_MS: duration(24 * HOUR_MS, 7 * 24 * HOUR_MS),
  /** One attempt's bound: connect, send and answer. */
  WEBHOOK_TIMEOUT_MS: duration(10_000, 60_000),
  /** How often due deliveries are looked for (a threshold wakes the worker at once). */
  WEBHOOK_POLL_MS: duration(1_000, 60_000),
};

/** Leases of the change stream's partitions (partition-leases.ts): how often a replica beats, how long a lease lasts unrenewed. */
const partitionEnv = {
  CHANGE_HEARTBEAT_MS: duration(1_500, 60_000),
  CHANGE_LEASE_TTL_MS: duration(10_000, 600_000),
};

const schema = z
  .object({ ...serviceEnv, ...databaseEnv, ...webhookEnv, ...partitionEnv, PORT: port(3002) })
  .refine((c) => c.CHANGE_LEASE_TTL_MS >= 3 * c.CHANGE_HEARTBEAT_MS, {
    path: ['CHANGE_LEASE_TTL_MS'],
    message: 'must be at least three heartbeats (CHANGE_HEARTBEAT_MS)',
  });

export type AggregationConfig = z.output<typeof schema>;

export const loadAggregationConfig = (env: NodeJS.ProcessEnv = process.env): AggregationConfig => loadConfig(schema, env);
