import { AppError, getImport, importObjectName, IMPORTS_BUCKET, startImport, type ImportStatus } from '@ledgerline/contracts';
import { NatsBus, openObjectStore } from '@ledgerline/messaging';
import { Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { GATEWAY_CONFIG } from '../tokens';
import { Tenant, TenantGuard, type TenantPrincipal } from '../auth/auth.guards';
import type { GatewayConfig } from '../config';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { RateLimitClass } from '../rate-limit/route-class';
import { limitBytes } from './limit-bytes';

@Controller('v1/imports')
@UseGuards(TenantGuard)
export class ImportsController {
  constructor(
    private readonly bus: NatsBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Streams the CSV body into the object store (never buffered whole here),
   * then hands it to ingestion, which validates and stores it atomically.
   */
  @Post()
  @HttpCode(202)
  @RateLimitClass('imports')
  async create(@Tenant() tenant: TenantPrincipal, @Req() request: FastifyRequest): Promise<{ id: string; status: string }> {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/csv' || !(request.body instanceof Readable)) {
      throw new AppError('unsupported-media-type', 'Send the import as a text/csv body.');
    }
    const id = randomUUID();
    const name = importObjectName(tenant.tenantId, id);
    const store = await openObjectStore(this.bus.connection, IMPORTS_BUCKET);
    const counted = limitBytes(this.config.IMPORT_MAX_BYTES);
    try {
      const info = await store.put({ name }, Readable.toWeb(request.body.pipe(counted.stream)) as ReadableStream<Uint8Array>);
      const started = await this.bus.request(startImport, { tenantId: tenant.tenantId, id, bytes: info.size });
      return { id: started.id, status: started.status };
    } catch (err) {
      await store.delete(name).catch(() => undefined);
      if (counted.exceeded()) {
        throw new AppError('payload-too-large', `An import is at most ${this.config.IMPORT_MAX_BYTES} bytes.`);
      }
      throw err;
    }
  }

  @Get(':id')
  get(@Tenant() tenant: TenantPrincipal, @Param('id', new UuidParamPipe('import id')) id: string): Promise<ImportStatus> {
    return this.bus.request(getImport, { tenantId: tenant.tenantId, id });
  }
}
