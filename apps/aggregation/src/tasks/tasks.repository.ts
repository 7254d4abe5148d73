import type { Task, TaskType } from '@ledgerline/contracts';
import { claimJobs, queuedOrStale, type ClaimSpec } from '@ledgerline/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

interface TaskDbRow {
  id: string;
  tenant_id: string;
  type: TaskType;
  status: Task['status'];
  params: Record<string, unknown>;
  progress: number;
  result: Record<string, unknown> | null;
  error: string | null;
  cancel_requested: boolean;
  created_at: Date;
  finished_at: Date | null;
}

/** A task's key: its tenant and id (the primary key leads with the tenant, as a tenant-distributed table needs). */
export interface TaskKey {
  id: string;
  tenantId: string;
}

export interface ClaimedTask extends TaskKey {
  type: TaskType;
  params: Record<string, unknown>;
}

const toTask = (r: TaskDbRow): Task => ({
  id: r.id,
  type: r.type,
  status: r.status,
  progress: Math.round(r.progress * 10_000) / 10_000,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  result: r.result,
  error: r.error,
});

/** The oldest queued task, or a running one whose worker stopped beating 60 s ago (picked up again). */
const TASK_CLAIM: ClaimSpec = {
  table: 'aggregation.tasks',
  claimable: queuedOrStale('60 seconds'),
  orderBy: 'created_at',
  set: "status = 'running', progress = 0, heartbeat_at = now()",
  returning: 'job.*',
};

@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(tenantId: string, type: TaskType, params: Record<string, unknown>): Promise<string> {
    const rows: { id: string }[] = await this.db.query(
      `INSERT INTO aggregation.tasks (tenant_id, type, status, params) VALUES ($1, $2, 'queued', $3) RETURNING id`,
      [tenantId, type, JSON.stringify(params)],
    );
    return (rows[0] as { id: string }).id;
  }

  async list(tenantId: string, limit = 100): Promise<Task[]> {
    const rows: TaskDbRow[] = await this.db.query(
      'SELECT * FROM aggregation.tasks WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
      [tenantId, limit],
    );
    return rows.map(toTask);
  }

  async find(tenantId: string, id: string): Promise<(Task & { params: Record<string, unknown> }) | undefined> {
    const rows: TaskDbRow[] = await this.db.query('SELECT * FROM aggregation.tasks WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    return rows[0] && { ...toTask(rows[0]), params: rows[0].params };
  }

  /** Queued tasks are cancelled at once; running ones are asked to stop at their next checkpoint. */
  async requestCancel(tenantId: string, id: string): Promise<void> {
    await this.db.query(
      `UPDATE aggregation.tasks
          SET cancel_requested = true,
              status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
              finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
        WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')`,
      [tenantId, id],
    );
  }

  async claimNext(): Promise<ClaimedTask | undefined> {
    const [row] = await claimJobs<TaskDbRow>(this.db, TASK_CLAIM, 1);
    return row && { id: row.id, tenantId: row.tenant_id, type: row.type, params: row.params };
  }

  /** Records progress; answers whether the task should stop (cancel requested). */
  async checkpoint(task: TaskKey, progress: number): Promise<boolean> {
    const [rows]: [{ cancel_requested: boolean }[], number] = await this.db.query(
      'UPDATE aggregation.tasks SET progress = $3, heartbeat_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING cancel_requested',
      [task.tenantId, task.id, progress],
    );
    return rows[0]?.cancel_requested ?? true;
  }

  async finish(
    task: TaskKey,
    status: 'succeeded' | 'failed' | 'cancelled',
    outcome: { result?: Record<string, unknown>; error?: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE aggregation.tasks
          SET status = $3, result = $4, error = $5, finished_at = now(),
              progress = CASE WHEN $3 = 'succeeded' THEN 1 ELSE progress END
        WHERE tenant_id = $1 AND id = $2`,
      [task.tenantId, task.id, status, outcome.result ? JSON.stringify(outcome.result) : null, outcome.error ?? null],
    );
  }
}
