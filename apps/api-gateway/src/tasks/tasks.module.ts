import { Module } from '@nestjs/common';
import { ExportsController, TasksController } from './tasks.controller';

@Module({ controllers: [TasksController, ExportsController] })
export class TasksModule {}
