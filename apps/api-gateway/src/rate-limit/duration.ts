import { z } from 'zod';
import type { RateLimit } from './gcra';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * `<count>/<period>[,<burst>]`, e.g. `200/1s,400` or `5/1m`: `count` requests
 * are earned per period, `burst` (default `count`) may arrive at once.
 */
export const rateLimitString = z.string().transform((text, ctx): RateLimit => {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*(ms|s|m|h)\s*(?:,\s*(\d+)\s*)?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must look like "200/1s,400" (count/period[,burst]; period unit ms, s, m or h)' });
    return z.NEVER;
  }
  const count = Number(match[1]);
  const periodMs = Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  const burst = match[4] === undefined ? count : Number(match[4]);
  if (count < 1 || periodMs < 1 || burst < 1) {
    ctx.addIssue({ code: 'custom', message: 'count, period and burst must be at least 1' });
    return z.NEVER;
  }
  return { count, periodMs, burst };
});
