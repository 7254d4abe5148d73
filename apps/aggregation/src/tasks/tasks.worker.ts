import { DrainWorker, LOGGER } from '@ledgerline/runtime';
import { exportBodySchema, monthString } from '@ledgerline/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type pino from 'pino';
import { RollupsService } from '../rollups/rollups.service';
import { ExportRunner, TaskCancelled } from './export.runner';
import { TasksRepository, type ClaimedTask } from './tasks.repository';

const POLL_MS = 1_000;

/** Runs queued tasks one at a time per replica, off the request path. */
@Injectable()
export class TasksWorker extends DrainWorker {
  protected readonly pollMs = POLL_MS;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly rollups: RollupsService,
    private readonly exports: ExportRunner,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {
    super();
  }

  protected passFailed(err: unknown): void {
    this.logger.error({ err }, 'task worker failed');
  }

  protected async pass(): Promise<void> {
    for (let task = await this.tasks.claimNext(); task && !this.stopped; task = await this.tasks.claimNext()) {
      await this.execute(task);
    }
  }

  private async execute(task: ClaimedTask): Promise<void> {
    const checkpoint = (progress: number) => this.tasks.checkpoint(task, progress);
    try {
      const result =
        task.type === 'refresh'
          ? { ...(await this.rollups.refresh(task.tenantId, monthString.parse(task.params.month))) }
          : await this.exports.run(task.id, task.tenantId, exportBodySchema.parse(task.params), checkpoint);
      await this.tasks.finish(task, 'succeeded', { result });
    } catch (err) {
      if (err instanceof TaskCancelled) {
        await this.tasks.finish(task, 'cancelled', { error: 'cancelled on request' });
        return;
      }
      this.logger.error({ taskId: task.id, err }, 'task failed');
      await this.tasks.finish(task, 'failed', { error: (err as Error).message });
    }
  }
}
