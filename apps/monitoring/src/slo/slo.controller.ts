import { AppError, parseOrThrow, performanceQuerySchema, type SloSnapshot } from '@ledgerline/contracts';
import { Controller, Get, Query } from '@nestjs/common';
import { SloTracker } from './slo-tracker';

/** Freshness and consistency over one window, as JSON: what the status page shows, for scripts and drills. */
@Controller('v1/slo')
export class SloController {
  constructor(private readonly slo: SloTracker) {}

  @Get()
  snapshot(@Query() query: unknown): SloSnapshot {
    return sloSnapshot(this.slo, parseOrThrow(performanceQuerySchema, query ?? {}, 'query').window, Date.now());
  }
}

export function sloSnapshot(slo: SloTracker, window: string, nowMs: number): SloSnapshot {
  if (!slo.has(window)) {
    throw new AppError('validation-failed', 'Unknown window.', [
      { field: 'window', message: `must be one of ${slo.windowNames.join(', ')}` },
    ]);
  }
  return {
    window,
    freshness: slo.freshnessWindows(window, nowMs).map(({ slow: _slow, ...w }) => w),
    consistency: slo.consistencyWindows(window, nowMs),
    lastMisses: slo.lastMisses(50),
  };
}
