import {
  AppError,
  cancelTask,
  exportBodySchema,
  EXPORTS_BUCKET,
  getExportDownload,
  getTask,
  listTasks,
  startExportTask,
  type ExportBody,
  type Task,
} from '@ledgerline/contracts';
import { NatsBus, openObjectStore } from '@ledgerline/messaging';
import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ZodPipe } from '../http/zod-body.pipe';

const taskId = () => new UuidParamPipe('task id');

@Controller('v1/tasks')
@UseGuards(TenantGuard)
export class TasksController {
  constructor(private readonly bus: NatsBus) {}

  @Get()
  list(@Tenant() tenant: TenantPrincipal): Promise<{ tasks: Task[] }> {
    return this.bus.request(listTasks, { tenantId: tenant.tenantId });
  }

  @Get(':id')
  get(@Tenant() tenant: TenantPrincipal, @Param('id', taskId()) id: string): Promise<Task> {
    return this.bus.request(getTask, { tenantId: tenant.tenantId, id });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Tenant() tenant: TenantPrincipal, @Param('id', taskId()) id: string): Promise<Task> {
    return this.bus.request(cancelTask, { tenantId: tenant.tenantId, id });
  }
}

@Controller('v1/exports')
@UseGuards(TenantGuard)
export class ExportsController {
  constructor(private readonly bus: NatsBus) {}

  @Post()
  @HttpCode(202)
  create(@Tenant() tenant: TenantPrincipal, @Body(new ZodPipe(exportBodySchema)) body: ExportBody): Promise<{ taskId: string }> {
    return this.bus.request(startExportTask, { tenantId: tenant.tenantId, body });
  }

  /** Streams the finished export out of the object store; never buffered here. */
  @Get(':id/download')
  async download(@Tenant() tenant: TenantPrincipal, @Param('id', taskId()) id: string, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.bus.request(getExportDownload, { tenantId: tenant.tenantId, id });
    const store = await openObjectStore(this.bus.connection, EXPORTS_BUCKET);
    const object = await store.get(file.object);
    if (!object) throw new AppError('not-found', 'The export file has expired; start a new export.');
    await reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .send(Readable.fromWeb(object.data as unknown as WebReadableStream<Uint8Array>));
  }
}
