import { z } from 'zod';
import { monthString } from '../common/primitives';

/** The dashboard views a live stream can carry, each exactly what `GET /v1/dashboard/<view>?month=` returns. */
export const LIVE_VIEWS = ['summary', 'breakdown', 'stats'] as const;
export type LiveView = (typeof LIVE_VIEWS)[number];

const viewList = z
  .string()
  .default(LIVE_VIEWS.join(','))
  .transform((text) => [...new Set(text.split(',').map((v) => v.trim()))])
  .pipe(
    z
      .array(z.enum(LIVE_VIEWS, { error: `must be a comma-separated list of ${LIVE_VIEWS.join(', ')}` }))
      .min(1, { error: 'must name at least one view' }),
  );

/** `GET /v1/dashboard/live?month=&views=&token=`: the subscription, and a stream token for clients that cannot send headers. */
export const liveQuerySchema = z.object({
  month: monthString,
  views: viewList,
  token: z.string().max(512).optional(),
});
export type LiveQuery = z.output<typeof liveQuerySchema>;

/** A WebSocket client's message changing its subscription: `{"type":"subscribe","month":"2026-04","views":["summary"]}`. */
export const liveSubscribeMessageSchema = z.object({
  type: z.literal('subscribe'),
  month: monthString,
  views: z
    .array(z.enum(LIVE_VIEWS, { error: `must be one of ${LIVE_VIEWS.join(', ')}` }))
    .min(1)
    .default([...LIVE_VIEWS]),
});
export type LiveSubscribeMessage = z.output<typeof liveSubscribeMessageSchema>;

/** `POST /v1/dashboard/live-tokens` answers with a token valid for one stream, until `expiresAt`. */
export interface LiveToken {
  token: string;
  expiresAt: string;
}
