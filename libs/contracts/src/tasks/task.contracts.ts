import { z } from 'zod';
import { defineRequest } from '../common/contract';
import { monthString, tenantId, uuidString } from '../common/primitives';
import { whenValid } from '../common/validation';
import { checkMonthRange } from '../dashboard/dashboard.schema';

/** Background work of a tenant (aggregation owns it): month rebuilds and exports. */
export type TaskType = 'refresh' | 'export';
export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Task {
  id: string;
  type: TaskType;
  status: TaskStatus;
  /** 0 to 1. */
  progress: number;
  createdAt: string;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

/** Finished exports are kept in this JetStream object store bucket, named by task id. */
export const EXPORTS_BUCKET = 'exports';

export const exportBodySchema = z
  .strictObject({
    from: monthString,
    to: monthString,
    format: z.enum(['csv', 'json'], { error: 'must be csv or json' }).default('csv'),
  })
  .superRefine(checkMonthRange, whenValid({ from: monthString, to: monthString }));
export type ExportBody = z.output<typeof exportBodySchema>;

const byId = z.object({ tenantId, id: uuidString });

export const startRefreshTask = defineRequest<{ taskId: string }>()(
  'aggregation.tasks.refresh.v1',
  z.object({ tenantId, month: monthString }),
);
export const startExportTask = defineRequest<{ taskId: string }>()(
  'aggregation.tasks.export.v1',
  z.object({ tenantId, body: exportBodySchema }),
);
export const listTasks = defineRequest<{ tasks: Task[] }>()('aggregation.tasks.list.v1', z.object({ tenantId }));
export const getTask = defineRequest<Task>()('aggregation.tasks.get.v1', byId);
export const cancelTask = defineRequest<Task>()('aggregation.tasks.cancel.v1', byId);
/** Where a finished export can be read: the object name in `EXPORTS_BUCKET` and its content type. */
export const getExportDownload = defineRequest<{ object: string; contentType: string; filename: string }>()(
  'aggregation.exports.download.v1',
  byId,
);
