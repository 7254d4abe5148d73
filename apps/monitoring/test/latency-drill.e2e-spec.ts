import { api, createTenant, e2e, eventually, killService, restartService, SPEC_TENANT } from '@ledgerline/testing';
import type { Alert, PerformanceReport } from '@ledgerline/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REFRESH = 'POST /v1/dashboard/refresh';

/** The SPEC.md refresh thresholds over a short window and `for`, so the drill takes seconds, not minutes. */
const DRILL_RULES = `
rules:
  - name: DashboardRefreshLatency
    kind: latency
    match: { route: "^POST /v1/dashboard/refresh$" }
    quantile: p95
    window: 4s
    for: 1s
    minSamples: 3
    thresholdsMs: { warning: 400, critical: 600 }
`;

interface TraceSpan {
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** Ends the drill monitoring process this spec started (by its PID) and waits for it to exit. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  await eventually(`pid ${pid} to exit`, async () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return true;
    }
  });
}

describe('latency drill: inject a 700 ms delay on dashboard refresh, see the alert fire and resolve', () => {
  const hooks: { status: string; alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] }[] = [];
  let webhook: Server;
  let drillPid: number | undefined;
  let tenantKey: string;

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof hooks)[number]);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'drill-rules-')), 'rules.yaml');
    writeFileSync(rulesFile, DRILL_RULES);

    // Swap the stack's monitoring for one with the drill rules, on the same port so every exporter still reaches it.
    await killService('monitoring');
    drillPid = await restartService('monitoring', {
      MONITORING_RULES_FILE: rulesFile,
      MONITORING_EVAL_INTERVAL_MS: '200',
      MONITORING_WEBHOOK_URLS: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`,
    });

    tenantKey = (await createTenant(SPEC_TENANT)).apiKey;
  }, 90_000);

  afterAll(async () => {
    await api('DELETE', '/v1/monitoring/faults', { key: e2e.adminKey() });
    await new Promise((resolve) => webhook.close(resolve));
    if (drillPid === undefined) return;
    // Put the stack's own monitoring back for the specs that follow.
    await stopPid(drillPid);
    await restartService('monitoring');
  }, 90_000);

  const refresh = () => api('POST', '/v1/dashboard/refresh?month=2026-10', { key: tenantKey });
  const alertsIn = async (state: string) =>
    (await api<{ alerts: Alert[] }>('GET', `/v1/monitoring/alerts?state=${state}`, { key: e2e.adminKey() })).body.alerts.filter(
      (a) => a.rule === 'DashboardRefreshLatency' && a.labels['route'] === REFRESH,
    );

  it('refuses monitoring routes without the admin key', async () => {
    expect((await api('GET', '/v1/monitoring/performance', { key: tenantKey })).status).toBe(403);
    expect((await api('GET', '/v1/monitoring/alerts?state=burning', { key: e2e.adminKey() })).status).toBe(422);
  }, 30_000);

  it('fires a critical alert whose exemplar trace shows the injected span, then resolves once cleared', async () => {
    const set = await api('PUT', '/v1/monitoring/faults', { key: e2e.adminKey(), body: { faults: [{ target: REFRESH, delayMs: 700 }] } });
    expect(set.status).toBe(200);

    const [firing] = await eventually(
      'a firing critical refresh alert',
      async () => {
        const list = (await alertsIn('firing')).filter((a) => a.severity === 'critical');
        return list.length > 0 ? list : undefined;
      },
      { tick: refresh },
    );
    if (!firing) throw new Error('unreachable');
    expect(firing.exemplarTraceIds.length).toBeGreaterThan(0);

    // The exemplar's spans: the gateway's refresh span with the injected delay as its child.
    const traceId = firing.exemplarTraceIds[0] as string;
    const stored = await eventually('the exemplar trace spans', async () => {
      const res = await fetch(`${e2e.monitoringUrl()}/v1/traces/${traceId}`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as { spans: TraceSpan[] };
      return body.spans.some((s) => s.name === 'fault.injected') ? body.spans : undefined;
    });
    const injected = stored.find((s) => s.name === 'fault.injected') as TraceSpan;
    const parent = stored.find((s) => s.spanId === injected.parentSpanId);
    expect(parent).toMatchObject({ service: 'api-gateway', name: REFRESH });
    expect(injected.attributes).toMatchObject({ 'fault.injected': true, 'fault.target': REFRESH, 'fault.delay_ms': 700 });

    // The report names the injected span as where the time goes.
    const report = (await api<PerformanceReport>('GET', '/v1/monitoring/report?window=1m', { key: e2e.adminKey() })).body;
    const row = report.slowestRoutes.find((r) => r.route === REFRESH);
    expect(row?.exemplar?.slowestSpans[0]?.name).toBe('fault.injected');
    expect(report.recommendations.some((r) => r.subject.endsWith(REFRESH) && r.message.includes('injected fault'))).toBe(true);

    const hook = await eventually('the firing webhook', async () =>
      hooks.find((h) => h.status === 'firing' && h.alerts[0]?.labels['severity'] === 'critical'),
    );
    expect(hook.alerts[0]?.annotations['exemplar_trace_ids']).toContain(traceId);

    const status = await (await fetch(`${e2e.monitoringUrl()}/status`)).text();
    expect(status).toContain('DashboardRefreshLatency');
    expect(await (await fetch(`${e2e.monitoringUrl()}/status/traces/${traceId}`)).text()).toContain('fault.injected');

    expect((await api('DELETE', '/v1/monitoring/faults', { key: e2e.adminKey() })).status).toBe(204);
    await eventually(
      'the alert to resolve',
      async () => ((await alertsIn('resolved')).some((a) => a.id === firing.id) ? true : undefined),
      { tick: refresh },
    );
    await eventually('the resolved webhook', async () => hooks.find((h) => h.status === 'resolved'));
    expect(await alertsIn('firing')).toEqual([]);
  }, 300_000);
});
