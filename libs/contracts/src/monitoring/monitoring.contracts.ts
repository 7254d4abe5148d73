import { z } from 'zod';
import { defineEvent, defineRequest } from '../common/contract';
import { alertStateSchema, type Alert, type PerformanceReport, type PerformanceSnapshot } from './monitoring.schema';

const windowName = z.string().regex(/^\d+(ms|s|m|h)$/, { error: 'must be a window like 5m or 1h' });

export const performanceQuerySchema = z.strictObject({ window: windowName.default('5m') });
export const alertsQuerySchema = z.strictObject({
  state: alertStateSchema.optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).default(100),
});

export const getPerformance = defineRequest<PerformanceSnapshot>()('monitoring.performance.get.v1', performanceQuerySchema);
export const listAlerts = defineRequest<{ alerts: Alert[] }>()('monitoring.alerts.list.v1', alertsQuerySchema);
export const getReport = defineRequest<PerformanceReport>()('monitoring.report.get.v1', performanceQuerySchema);

/** An alert changed state (pending, firing, resolved); subscribers get every transition once. */
export const alertChanged = defineEvent(
  'events.alerts.changed.v1',
  z.object({
    id: z.string(),
    fingerprint: z.string(),
    rule: z.string(),
    severity: z.enum(['warning', 'critical']),
    state: alertStateSchema,
    labels: z.record(z.string(), z.string()),
    summary: z.string(),
    value: z.number(),
    threshold: z.number(),
    startsAt: z.string(),
    firedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    exemplarTraceIds: z.array(z.string()),
  }),
);
