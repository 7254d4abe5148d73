import { exportBodySchema, monthString } from '@ledgerline/contracts';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type pino from 'pino';
import { RollupsService } from '../rollups/rollups.service';
import { AGGREGATION_LOGGER } from '../tokens';
import { ExportRunner, TaskCancelled } from './export.runner';
import { TasksRepository, type ClaimedTask } from './tasks.repository';

const POLL_MS = 1_000;

/** Runs queued tasks one at a time per replica, off the request path. */
@Injectable()
export class TasksWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly rollups: RollupsService,
    private readonly exports: ExportRunner,
    @Inject(AGGREGATION_LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'task worker failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    for (let task = await this.tasks.claimNext(); task && !this.stopped; task = await this.tasks.claimNext()) {
      await this.execute(task);
    }
  }

  private async execute(task: ClaimedTask): Promise<void> {
    const checkpoint = (progress: number) => this.tasks.checkpoint(task.id, progress);
    try {
      const result =
        task.type === 'refresh'
          ? { ...(await this.rollups.refresh(task.tenantId, monthString.parse(task.params.month))) }
          : await this.exports.run(task.id, task.tenantId, exportBodySchema.parse(task.params), checkpoint);
      await this.tasks.finish(task.id, 'succeeded', { result });
    } catch (err) {
      if (err instanceof TaskCancelled) {
        await this.tasks.finish(task.id, 'cancelled', { error: 'cancelled on request' });
        return;
      }
      this.logger.error({ taskId: task.id, err }, 'task failed');
      await this.tasks.finish(task.id, 'failed', { error: (err as Error).message });
    }
  }
}
