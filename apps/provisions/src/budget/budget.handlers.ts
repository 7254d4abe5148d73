import {
  createFixedLine,
  createProvision,
  deleteFixedLine,
  deleteProvision,
  getFixedLine,
  getProvision,
  listFixedLines,
  listProvisions,
  updateFixedLine,
  updateProvision,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FixedLinesService } from './fixed-lines.service';
import { ProvisionsService } from './provisions.service';

/** NATS adapters: one line each into the services. */
@Injectable()
export class BudgetHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly fixedLines: FixedLinesService,
    private readonly provisions: ProvisionsService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(listFixedLines, (req) => this.fixedLines.list(req.tenantId));
    this.bus.serve(getFixedLine, (req) => this.fixedLines.get(req.tenantId, req.id));
    this.bus.serve(createFixedLine, (req) => this.fixedLines.create(req.tenantId, req.body));
    this.bus.serve(updateFixedLine, (req) => this.fixedLines.update(req.tenantId, req.id, req.patch));
    this.bus.serve(deleteFixedLine, (req) => this.fixedLines.delete(req.tenantId, req.id));
    this.bus.serve(listProvisions, (req) => this.provisions.list(req.tenantId));
    this.bus.serve(getProvision, (req) => this.provisions.get(req.tenantId, req.id));
    this.bus.serve(createProvision, (req) => this.provisions.create(req.tenantId, req.body));
    this.bus.serve(updateProvision, (req) => this.provisions.update(req.tenantId, req.id, req.patch));
    this.bus.serve(deleteProvision, (req) => this.provisions.delete(req.tenantId, req.id));
  }
}
