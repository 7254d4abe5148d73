import type { Alert } from '@ledgerline/contracts';
import type { ReceivedSpan } from '../traces/otlp-json';
import { latencyChart, statusPage, waterfall } from './render';

const hostile = '<script>alert(1)</script>';

const alert: Alert = {
  id: 'a1',
  fingerprint: 'f1',
  rule: 'DashboardRefreshLatency',
  severity: 'critical',
  state: 'firing',
  labels: { route: hostile },
  summary: `p95 of ${hostile} is 712 ms`,
  value: 712,
  threshold: 600,
  startsAt: '2026-11-25T12:00:00.000Z',
  firedAt: '2026-11-25T12:00:01.000Z',
  resolvedAt: null,
  exemplarTraceIds: ['abcdef0123456789abcdef0123456789'],
};

describe('status page rendering', () => {
  it('draws one polyline point per sample for p95 and p50', () => {
    const svg = latencyChart('api-gateway · POST /v1/dashboard/refresh', [
      { atMs: 0, p95Ms: 100, p50Ms: 50, count: 3 },
      { atMs: 1_000, p95Ms: 700, p50Ms: 690, count: 9 },
    ]);
    const polylines = [...svg.matchAll(/points="([^"]*)"/g)].map((m) => (m[1] as string).split(' ').length);
    expect(polylines).toEqual([2, 2]);
    expect(svg).toContain('p95 now 700 ms');
  });

  it('escapes everything that came from the network', () => {
    const html = statusPage({
      generatedAt: 'now',
      window: '5m',
      chartWindow: '1m',
      liveAlerts: [alert],
      recentAlerts: [alert],
      routes: [],
      charts: [{ service: 'api-gateway', route: hostile, points: [{ atMs: 0, p95Ms: 1, p50Ms: 1, count: 1 }] }],
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="/status/traces/abcdef0123456789abcdef0123456789"');
  });

  it('lays out a waterfall with children indented under their parent and the injected span marked', () => {
    const base = { traceId: 't', service: 'api-gateway', kind: 1, route: null, error: false };
    const spans: ReceivedSpan[] = [
      { ...base, spanId: 'r', parentSpanId: null, name: 'POST /v1/dashboard/refresh', startUnixNano: 0n, durationNanos: 800_000_000n, attributes: {} },
      { ...base, spanId: 'f', parentSpanId: 'r', name: 'fault.injected', startUnixNano: 1_000_000n, durationNanos: 700_000_000n, attributes: { 'fault.injected': true } },
    ];
    const html = waterfall('t', spans);
    expect(html).toMatch(/<text x="4"[^>]*>api-gateway: POST \/v1\/dashboard\/refresh/);
    expect(html).toMatch(/<text x="16"[^>]*>api-gateway: fault\.injected/);
    expect(html).toContain('fill="#f79009"');
    expect(html).toContain('800.0 ms');
  });
});
