import { getWatermark, refreshMonth } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RollupsService } from './rollups.service';

@Injectable()
export class RollupsHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly rollups: RollupsService,
  ) {}

  onModuleInit(): void {
    this.bus.serve(refreshMonth, (req) => this.rollups.refresh(req.tenantId, req.month));
    this.bus.serve(getWatermark, async (req) => ({ version: await this.rollups.confirmedWatermark(req.tenantId) }));
  }
}
