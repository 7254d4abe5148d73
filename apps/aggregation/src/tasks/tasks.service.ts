import { AppError, type ExportBody, type Task } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { EXPORT_FORMATS } from './export-format';
import { TasksRepository } from './tasks.repository';
import { TasksWorker } from './tasks.worker';

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly worker: TasksWorker,
  ) {}

  async startRefresh(tenantId: string, month: string): Promise<{ taskId: string }> {
    const taskId = await this.tasks.create(tenantId, 'refresh', { month });
    this.worker.kick();
    return { taskId };
  }

  async startExport(tenantId: string, body: ExportBody): Promise<{ taskId: string }> {
    const taskId = await this.tasks.create(tenantId, 'export', body);
    this.worker.kick();
    return { taskId };
  }

  async list(tenantId: string): Promise<{ tasks: Task[] }> {
    return { tasks: await this.tasks.list(tenantId) };
  }

  async get(tenantId: string, id: string): Promise<Task> {
    const { params: _params, ...task } = await this.found(tenantId, id);
    return task;
  }

  async cancel(tenantId: string, id: string): Promise<Task> {
    const task = await this.found(tenantId, id);
    if (task.status !== 'queued' && task.status !== 'running') {
      throw new AppError('conflict', `The task is already ${task.status}.`);
    }
    await this.tasks.requestCancel(tenantId, id);
    return this.get(tenantId, id);
  }

  async download(tenantId: string, id: string): Promise<{ object: string; contentType: string; filename: string }> {
    const task = await this.found(tenantId, id);
    if (task.type !== 'export') throw new AppError('not-found', 'No such export.');
    if (task.status !== 'succeeded') throw new AppError('conflict', `The export is ${task.status}; download it once it succeeded.`);
    const format = EXPORT_FORMATS[task.params.format === 'json' ? 'json' : 'csv'];
    return { object: id, contentType: format.contentType, filename: `ledgerline-export-${id}.${format.extension}` };
  }

  private async found(tenantId: string, id: string) {
    const task = await this.tasks.find(tenantId, id);
    if (!task) throw new AppError('not-found', 'No such task.');
    return task;
  }
}
