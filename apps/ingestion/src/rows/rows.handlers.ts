import {
  getDrillRows,
  getExportRows,
  getKeyExtremes,
  getLargestExpense,
  getMemberKeyExtremes,
  getMonthSource,
  getTenantMonths,
} from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RowsRepository } from './rows.repository';

@Injectable()
export class RowsHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly rows: RowsRepository,
  ) {}

  onModuleInit(): void {
    this.bus.serve(getMonthSource, (req) => this.rows.monthSource(req.tenantId, req.month));
    this.bus.serve(getKeyExtremes, (req) => this.rows.keyExtremes(req.tenantId, req.keys));
    this.bus.serve(getMemberKeyExtremes, (req) => this.rows.memberKeyExtremes(req.tenantId, req.keys));
    this.bus.serve(getDrillRows, (req) => this.rows.drillRows(req.tenantId, req));
    this.bus.serve(getLargestExpense, (req) => this.rows.largestExpense(req.tenantId, req.month, req.member));
    this.bus.serve(getExportRows, (req) => this.rows.exportRows(req.tenantId, req));
    this.bus.serve(getTenantMonths, (req) => this.rows.months(req.tenantId));
  }
}
