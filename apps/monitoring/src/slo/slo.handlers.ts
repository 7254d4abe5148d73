import { cacheAudited, freshnessObserved } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SloTracker } from './slo-tracker';

/** The caches' freshness samples and audit outcomes, from NATS into the SLO windows. */
@Injectable()
export class SloHandlers implements OnModuleInit {
  constructor(
    private readonly bus: NatsBus,
    private readonly slo: SloTracker,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe(freshnessObserved, (batch) => this.slo.observeFreshness(batch, Date.now()));
    this.bus.subscribe(cacheAudited, (audit) => this.slo.observeAudit(audit, Date.now()));
  }
}
