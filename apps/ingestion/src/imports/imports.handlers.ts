import { getImport, startImport } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ImportsService } from './imports.service';

@Injectable()
export class ImportsHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly imports: ImportsService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(startImport, (req) => this.imports.start(req.tenantId, req.id, req.bytes));
    this.bus.serve(getImport, (req) => this.imports.get(req.tenantId, req.id));
  }
}
