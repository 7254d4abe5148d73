import { AppError, cachedRead, getBreakdown, getStats, getSummary, type LiveView, type RequestContract } from '@ledgerline/contracts';
import { NatsBus, rawReplyJson, type RawReply } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';

/** A view's figures as the JSON text `GET /v1/dashboard/<view>?month=` answers, and the version they reflect. */
export interface ViewFigures {
  version: string;
  json: string;
}

const CONTRACTS: Record<LiveView, RequestContract> = { summary: getSummary, breakdown: getBreakdown, stats: getStats };

/**
 * Reads a view the way the dashboard routes do — through the cache-gateway,
 * whose single-flight computes each (tenant, month, view, version) once for
 * every replica and leaves it cached for the next plain read — or straight
 * from the source when the caches are not confirmed fresh or not answering.
 */
@Injectable()
export class LiveViews {
  constructor(private readonly bus: NatsBus) {}

  async read(tenantId: string, month: string, view: LiveView, fromSource = false): Promise<ViewFigures> {
    // The same payload (and so the same cache key) as GET /v1/dashboard/<view>?month= sends.
    const contract = CONTRACTS[view];
    const payload = { tenantId, month };
    let reply: RawReply | undefined;
    if (!fromSource) {
      reply = await this.bus.requestRaw(cachedRead(contract), payload).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'service-unavailable') return undefined;
        throw error;
      });
    }
    reply ??= await this.bus.requestRaw(contract, payload);
    return { version: reply.version ?? '0', json: rawReplyJson(reply) };
  }
}

/**
 * The (month, view) pairs whose figures a change of `months` can move: each
 * view of the month itself, and the next month's stats (they compare with
 * the previous month's total).
 */
export function affectedViews(months: readonly string[]): { month: string; view: LiveView }[] {
  const out: { month: string; view: LiveView }[] = [];
  for (const month of months) {
    out.push({ month, view: 'summary' }, { month, view: 'breakdown' }, { month, view: 'stats' });
    out.push({ month: nextMonth(month), view: 'stats' });
  }
  return out;
}

export function nextMonth(month: string): string {
  const [year = 0, m = 1] = month.split('-').map(Number);
  return m === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}
