import { freshnessObserved, type FreshnessBatch } from '@ledgerline/contracts';
import type { NatsBus } from '../nats-bus';

const MAX_BATCH = 2_000;

/**
 * Freshness samples of one replica, published to the monitoring service as one
 * `freshnessObserved` batch per flush (bounded: the excess is counted as
 * dropped). How every service that measures a freshness stage reports it.
 */
export class FreshnessBatcher {
  private batch: FreshnessBatch['samples'] = [];
  private dropped = 0;

  constructor(
    private readonly bus: NatsBus,
    private readonly service: string,
    private readonly replica: string,
  ) {}

  add(level: string, tenant: string, lagMs: number): void {
    if (this.batch.length < MAX_BATCH) this.batch.push({ level, tenant, lagMs: Math.round(lagMs * 10) / 10 });
    else this.dropped++;
  }

  flush(): void {
    if (this.batch.length === 0 && this.dropped === 0) return;
    this.bus.publish(freshnessObserved, { service: this.service, replica: this.replica, samples: this.batch, dropped: this.dropped });
    this.batch = [];
    this.dropped = 0;
  }
}
