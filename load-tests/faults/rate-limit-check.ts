import type { FaultStack } from './fault-stack';
import { Client, type Tenant } from './workload';

export interface RateLimitReport {
  limit: string;
  replicas: number;
  /** Per window: requests sent across both replicas, how many were let through, and the most one bucket allows in that time. */
  healthy: Window;
  redisHung: Window;
  violations: string[];
}

interface Window {
  sent: number;
  allowed: number;
  limited: number;
  other: number;
  seconds: number;
  allowedAtMost: number;
}

const COUNT = 20;
const BURST = 20;
const WINDOW_MS = 3_000;

/**
 * SPEC "Fair": per-key limits hold across gateway replicas. Two replicas share
 * one tenant's reads limit (20/s, burst 20); requests alternate between them
 * for 3 s with Redis healthy, then again with Redis hung (SIGSTOP). Either way
 * the fleet must not let through more than one bucket would: burst + rate × time.
 */
export async function checkRateLimits(stack: FaultStack, tenant: Tenant, month: string): Promise<RateLimitReport> {
  const env = {
    RATE_LIMIT_TENANT_OVERRIDES: JSON.stringify({ [tenant.id]: { reads: `${COUNT}/1s,${BURST}` } }),
    RATE_LIMIT_FALLBACK_REPLICAS: '2',
  };
  const client = new Client([await stack.startGatewayReplica(env), await stack.startGatewayReplica(env)]);
  const burstOf = async (): Promise<Window> => {
    // A fresh bucket for each window: wait until it has refilled.
    await new Promise((r) => setTimeout(r, (BURST / COUNT) * 1_000 + 200));
    const started = performance.now();
    const w: Window = { sent: 0, allowed: 0, limited: 0, other: 0, seconds: 0, allowedAtMost: 0 };
    while (performance.now() - started < WINDOW_MS && w.sent < 2_000) {
      const res = await Promise.all([0, 1, 2, 3].map(() => client.call('GET', `/v1/dashboard/summary?month=${month}`, tenant.key)));
      for (const r of res) {
        w.sent++;
        if (r.status === 200) w.allowed++;
        else if (r.status === 429) w.limited++;
        else w.other++;
      }
    }
    w.seconds = Math.round(performance.now() - started) / 1000;
    w.allowedAtMost = Math.floor(BURST + COUNT * w.seconds);
    return w;
  };
  const healthy = await burstOf();
  stack.pauseRedis();
  let redisHung: Window;
  try {
    redisHung = await burstOf();
  } finally {
    stack.resumeAll();
  }
  const violations: string[] = [];
  for (const [name, w] of [
    ['Redis healthy', healthy],
    ['Redis hung', redisHung],
  ] as const) {
    if (w.allowed > w.allowedAtMost)
      violations.push(`${name}: ${w.allowed} reads let through across two replicas, one bucket allows ${w.allowedAtMost}`);
    if (w.limited === 0) violations.push(`${name}: nothing was limited (${w.sent} sent)`);
  }
  return { limit: `${COUNT}/s, burst ${BURST}`, replicas: 2, healthy, redisHung, violations };
}
