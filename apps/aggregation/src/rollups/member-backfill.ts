import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pino from 'pino';
import type { DataSource } from 'typeorm';
import { LOGGER } from '@ledgerline/runtime';
import { RollupsService } from './rollups.service';

/** After a failed rebuild (ingestion not up yet, a timeout), the next try waits this long. */
const RETRY_MS = 5_000;

/**
 * Rebuilds, one at a time in the background, the months that were rolled up
 * before the per-member rollups existed (queued by their migration), so
 * `member=` views of past months are not silently empty. A rebuild is
 * idempotent: two replicas taking the same month only do it twice.
 */
@Injectable()
export class MemberRollupsBackfill implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rollups: RollupsService,
    @Inject(LOGGER) private readonly logger: pino.Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.drain();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      try {
        const [next] = (await this.db.query(
          'SELECT tenant_id, month FROM aggregation.member_rollups_backfill ORDER BY tenant_id, month LIMIT 1',
        )) as { tenant_id: string; month: string }[];
        if (!next) return;
        await this.rollups.refresh(next.tenant_id, next.month);
        await this.db.query('DELETE FROM aggregation.member_rollups_backfill WHERE tenant_id = $1 AND month = $2', [
          next.tenant_id,
          next.month,
        ]);
      } catch (error) {
        this.logger.warn({ err: error }, 'per-member rollup backfill failed; retrying');
        if (!this.stopped) this.timer = setTimeout(() => void this.drain(), RETRY_MS);
        return;
      }
    }
  }
}
