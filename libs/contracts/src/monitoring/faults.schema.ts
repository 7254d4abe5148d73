import { z } from 'zod';
import { defineRequest } from '../common/contract';
import { textField } from '../common/text';

/**
 * A fault for drills: requests to `target` (an HTTP route `METHOD /path/{param}`
 * as named in traces, or a NATS subject) wait `delayMs` and/or fail with
 * probability `errorRate`. `skip`: handlers that support it answer as if they
 * had done their work without doing it (a lost update, e.g. an invalidation).
 */
export const faultSchema = z.strictObject({
  target: textField({ min: 1, max: 300 }),
  delayMs: z.number().int().min(0).max(60_000).default(0),
  errorRate: z.number().min(0).max(1).default(0),
  skip: z.boolean().optional(),
});

export const faultsBodySchema = z.strictObject({ faults: z.array(faultSchema).max(50) });

export type Fault = z.output<typeof faultSchema>;
export type FaultsBody = z.output<typeof faultsBodySchema>;

/**
 * Sets the drill faults of one replica of `service` at runtime (one replica of
 * its queue group answers, naming itself; an empty list clears them). Served
 * only where fault injection is enabled (never in production unless
 * FAULT_INJECTION_ENABLED=true), and NATS is reachable by the services only.
 */
export const setFaultsOf = (service: string) =>
  defineRequest<{ replica: string; faults: Fault[] }>()(`admin.faults.set.v1.${service}`, faultsBodySchema);
