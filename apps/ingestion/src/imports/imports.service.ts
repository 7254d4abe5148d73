import { AppError, type ImportStatus } from '@ledgerline/contracts';
import { Injectable } from '@nestjs/common';
import { ImportWorker } from './import.worker';
import { ImportsRepository } from './imports.repository';

@Injectable()
export class ImportsService {
  constructor(
    private readonly imports: ImportsRepository,
    private readonly worker: ImportWorker,
  ) {}

  async start(tenantId: string, id: string, bytes: number): Promise<ImportStatus> {
    const created = await this.imports.create(tenantId, id, bytes);
    this.worker.kick();
    return created;
  }

  async get(tenantId: string, id: string): Promise<ImportStatus> {
    const found = await this.imports.find(tenantId, id);
    if (!found) throw new AppError('not-found', 'No such import.');
    return found;
  }
}
