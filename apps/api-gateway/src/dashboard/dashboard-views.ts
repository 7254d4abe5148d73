import { AppError, monthString, previousMonth, type DashboardView, type DashboardViewsQuery } from '@ledgerline/contracts';
import type { RawReply } from '@ledgerline/messaging';
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cachedJsonText, sendCachedJson } from './cached-reply';
import { DashboardReader } from './dashboard-reader';
import { breakdownRequest, statsRequest, summaryRequest, trendsRequest, type DashboardRequest } from './dashboard-reads';

/** Source re-reads tried when the views came back at different versions (a write landed between them). */
const SAME_VERSION_ATTEMPTS = 3;
/** The trend view of the combined answer: the twelve months ending at the requested one. */
const TREND_MONTHS = 12;

/**
 * `GET /v1/dashboard?views=`: several views in one answer, each exactly what
 * its own route returns, all at one version. Each view comes from the caches
 * like its own route; if a write landed between two of them, they are read
 * again from the source until they agree.
 */
@Injectable()
export class DashboardViews {
  constructor(private readonly reader: DashboardReader) {}

  async answer(req: FastifyRequest, res: FastifyReply, tenantId: string, query: DashboardViewsQuery): Promise<void> {
    const requests = query.views.map((view) => [view, requestFor(view, tenantId, query.month)] as const);
    let replies = await Promise.all(requests.map(([, request]) => this.reader.reply(req, request)));
    for (let attempt = 0; !sameVersion(replies); attempt++) {
      if (attempt === SAME_VERSION_ATTEMPTS) {
        throw new AppError('service-unavailable', 'The figures kept changing while the views were read; retry shortly.');
      }
      replies = await Promise.all(requests.map(([, request]) => this.reader.source(request)));
    }
    const version = replies[0]?.version;
    const parts = requests.map(([view], i) => `,${JSON.stringify(view)}:${cachedJsonText(replies[i] as RawReply)}`);
    const body = `{"month":${JSON.stringify(query.month)},"version":${JSON.stringify(version ?? null)}${parts.join('')}}`;
    sendCachedJson(req, res, { body: Buffer.from(body), encoding: 'identity', version });
  }
}

function requestFor(view: DashboardView, tenantId: string, month: string): DashboardRequest {
  switch (view) {
    case 'summary':
      return summaryRequest(tenantId, month);
    case 'breakdown':
      return breakdownRequest(tenantId, { month });
    case 'stats':
      return statsRequest(tenantId, { month });
    case 'trends':
      return trendsRequest(tenantId, { from: monthsBefore(month, TREND_MONTHS - 1), to: month });
  }
}

/** `count` months before `month`, or as far back as the supported calendar goes. */
function monthsBefore(month: string, count: number): string {
  let from = month;
  for (let i = 0; i < count; i++) {
    const earlier = previousMonth(from);
    if (!monthString.safeParse(earlier).success) break;
    from = earlier;
  }
  return from;
}

const sameVersion = (replies: RawReply[]): boolean => replies.every((reply) => reply.version === replies[0]?.version);
