import { Module } from '@nestjs/common';
import { RollupsModule } from '../rollups/rollups.module';
import { ExportRunner } from './export.runner';
import { TasksHandlers } from './tasks.handlers';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';
import { TasksWorker } from './tasks.worker';

@Module({
  imports: [RollupsModule],
  providers: [TasksRepository, ExportRunner, TasksWorker, TasksService, TasksHandlers],
})
export class TasksModule {}
