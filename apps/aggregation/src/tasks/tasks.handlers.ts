import { cancelTask, getExportDownload, getTask, listTasks, startExportTask, startRefreshTask } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TasksService } from './tasks.service';

@Injectable()
export class TasksHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly tasks: TasksService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(startRefreshTask, (req) => this.tasks.startRefresh(req.tenantId, req.month));
    this.bus.serve(startExportTask, (req) => this.tasks.startExport(req.tenantId, req.body));
    this.bus.serve(listTasks, (req) => this.tasks.list(req.tenantId));
    this.bus.serve(getTask, (req) => this.tasks.get(req.tenantId, req.id));
    this.bus.serve(cancelTask, (req) => this.tasks.cancel(req.tenantId, req.id));
    this.bus.serve(getExportDownload, (req) => this.tasks.download(req.tenantId, req.id));
  }
}
