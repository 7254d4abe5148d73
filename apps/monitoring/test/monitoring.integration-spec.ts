import { alertChanged, getPerformance, getReport, listAlerts, type EventOf } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { createHttpApp } from '@ledgerline/runtime';
import { eventually } from '@ledgerline/testing';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import type { AlertmanagerWebhookV4 } from '../src/alerts/alertmanager-payload';
import { AlertsService } from '../src/alerts/alerts.service';
import { AppModule } from '../src/app.module';
import { loadMonitoringConfig } from '../src/config';
import { registerOtlpParsers } from '../src/traces/otlp-body';

const logger = pino({ level: 'silent' });

/** A rule file like an operator would write: the refresh route held to 400 ms at p95 over 1 minute. */
const RULES = `
rules:
  - name: RefreshLatency
    kind: latency
    match: { route: "^POST /v1/dashboard/refresh$" }
    window: 1m
    for: 1s
    minSamples: 3
    thresholdsMs: { warning: 400 }
`;

/** Real SDK spans: a slow refresh whose time goes into one query, and a fast summary read. */
function makeSpans(service: string): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('it');
  const t0 = Date.now() - 5_000;
  for (let i = 0; i < 4; i++) {
    const server = tracer.startSpan('POST /v1/dashboard/refresh', {
      kind: SpanKind.SERVER,
      startTime: t0 + i * 1_000,
      attributes: { 'http.route': '/v1/dashboard/refresh', 'http.method': 'POST' },
    });
    const query = tracer.startSpan(
      'SELECT rollups',
      { kind: SpanKind.CLIENT, startTime: t0 + i * 1_000 + 5, attributes: { 'db.system': 'postgresql' } },
      trace.setSpan(context.active(), server),
    );
    query.end(t0 + i * 1_000 + 5 + 650 + i);
    server.end(t0 + i * 1_000 + 700 + i * 10);
  }
  for (let i = 0; i < 10; i++) {
    const s = tracer.startSpan('GET /v1/dashboard/summary', {
      kind: SpanKind.SERVER,
      startTime: t0 + i,
      attributes: { 'http.route': '/v1/dashboard/summary', 'http.method': 'GET' },
    });
    const cache = tracer.startSpan(
      'cache get',
      { startTime: t0 + i, attributes: { 'cache.hit': i < 9, 'cache.level': 'l1' } },
      trace.setSpan(context.active(), s),
    );
    cache.end(t0 + i + 1);
    s.end(t0 + i + 12);
  }
  return exporter.getFinishedSpans();
}

/**
 * What the OTLP/HTTP exporters send: the SDK's own serializers, gzip as with
 * OTEL_EXPORTER_OTLP_COMPRESSION=gzip. (The exporter classes load their HTTP
 * transport with a dynamic import that Jest's CommonJS runtime refuses; the
 * e2e tier covers them in real service processes.)
 */
async function exportAs(format: 'protobuf' | 'json', url: string, spans: ReadableSpan[]): Promise<Response> {
  const bytes = format === 'protobuf' ? ProtobufTraceSerializer.serializeRequest(spans) : JsonTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('the serializer produced nothing');
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(bytes),
  });
}

describe('monitoring with real PostgreSQL, NATS, OTLP exporters and a webhook receiver', () => {
  const received: AlertmanagerWebhookV4[] = [];
  let webhookCalls = 0;
  let webhook: Server;
  let client: NatsBus;
  const events: EventOf<typeof alertChanged>[] = [];
  let rulesFile: string;

  const boot = async () => {
    const config = loadMonitoringConfig({
      DATABASE_URL: process.env.IT_DATABASE_URL,
      NATS_URL: process.env.IT_NATS_URL,
      PORT: '0',
      MONITORING_RULES_FILE: rulesFile,
      // Evaluation is driven by the test with explicit times, never by the timer.
      MONITORING_EVAL_INTERVAL_MS: '600000',
      MONITORING_WEBHOOK_URLS: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
      MONITORING_WEBHOOK_BACKOFF_MS: '20',
      MONITORING_EXTERNAL_URL: 'http://127.0.0.1:3005',
    });
    const app = await createHttpApp({
      module: AppModule.forRoot(config, logger),
      logger,
      host: '127.0.0.1',
      port: 0,
      configure: registerOtlpParsers,
    });
    await app.listen(0, '127.0.0.1');
    return app;
  };

  beforeAll(async () => {
    rulesFile = join(mkdtempSync(join(tmpdir(), 'mon-rules-')), 'rules.yaml');
    writeFileSync(rulesFile, RULES);
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        webhookCalls++;
        // The first delivery fails: the notifier must retry it.
        if (webhookCalls === 1) {
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertmanagerWebhookV4);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    client = await NatsBus.connect({
      url: process.env.IT_NATS_URL as string,
      name: 'it-monitoring-client',
      requestTimeoutMs: 2_000,
      logger,
    });
    client.subscribe(alertChanged, (e) => {
      events.push(e);
    });
    await client.connection.flush();
  });

  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('ingests real exporter output, fires with exemplars, notifies, and resolves after a restart', async () => {
    let app: NestFastifyApplication = await boot();
    try {
      const url = `${await app.getUrl()}/v1/traces`;
      const gatewaySpans = makeSpans('api-gateway');
      const protobufReply = await exportAs('protobuf', url, gatewaySpans.slice(0, 8));
      expect(protobufReply.status).toBe(200);
      expect(protobufReply.headers.get('content-type')).toBe('application/x-protobuf');
      expect((await protobufReply.arrayBuffer()).byteLength).toBe(0);
      const jsonReply = await exportAs('json', url, gatewaySpans.slice(8));
      expect(await jsonReply.json()).toEqual({ partialSuccess: {} });

      const slowTraceIds = gatewaySpans.filter((s) => s.name.startsWith('POST')).map((s) => s.spanContext().traceId);
      const perf = await client.request(getPerformance, { window: '1m' });
      const refresh = perf.routes.find((r) => r.route === 'POST /v1/dashboard/refresh');
      expect(refresh).toMatchObject({ service: 'api-gateway', count: 4 });
      // DDSketch: within 1 % of the exact p99 at rank ⌊0.99·(n−1)⌋ of 700, 710, 720, 730 ms, i.e. 720 ms.
      expect(Math.abs((refresh?.p99Ms ?? 0) - 720) / 720).toBeLessThanOrEqual(0.01);
      expect(refresh?.exemplars[0]?.traceId).toBe(slowTraceIds[3]);
      expect(perf.cache).toEqual([{ service: 'api-gateway', level: 'l1', hits: 9, misses: 1, hitRatio: 0.9 }]);

      const alerts = app.get(AlertsService);
      const now = Date.now();
      expect(await alerts.evaluate(now)).toEqual([expect.objectContaining({ rule: 'RefreshLatency', state: 'pending' })]);
      expect(await alerts.evaluate(now + 500)).toEqual([]);
      const [firing] = await alerts.evaluate(now + 1_000);
      expect(firing).toMatchObject({
        state: 'firing',
        labels: { route: 'POST /v1/dashboard/refresh', service: 'api-gateway', severity: 'warning' },
      });
      // The slowest traces of the window, slowest first (three kept per time slot).
      expect(firing?.exemplarTraceIds).toEqual([slowTraceIds[3], slowTraceIds[2], slowTraceIds[1]]);

      const hook = await eventually('the firing webhook', () => received.find((p) => p.status === 'firing'));
      expect(webhookCalls).toBeGreaterThanOrEqual(2);
      expect(hook).toMatchObject({
        version: '4',
        status: 'firing',
        groupLabels: { alertname: 'RefreshLatency' },
        alerts: [
          { status: 'firing', endsAt: '0001-01-01T00:00:00Z', fingerprint: firing?.fingerprint, labels: { alertname: 'RefreshLatency' } },
        ],
      });
      expect(hook.alerts[0]?.annotations['exemplar_trace_ids']).toContain(slowTraceIds[3]);
      await eventually('NATS events', () => (events.filter((e) => e.id === firing?.id).length >= 2 ? true : undefined));

      // The exemplar trace is stored and drawable; the report names the query that dominates it.
      const page = await fetch(`${await app.getUrl()}/status/traces/${slowTraceIds[3]}`);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('SELECT rollups');
      const report = await client.request(getReport, { window: '1m' });
      expect(report.slowestRoutes[0]).toMatchObject({ route: 'POST /v1/dashboard/refresh', exemplar: { traceId: slowTraceIds[3] } });
      expect(report.slowestRoutes[0]?.exemplar?.slowestSpans[0]?.name).toBe('SELECT rollups');
      expect(report.recommendations.map((r) => r.message).join('\n')).toMatch(/"SELECT rollups".*EXPLAIN ANALYZE/);

      // History survives a restart: the new process continues the firing alert and resolves it.
      await app.close();
      app = await boot();
      const [resolved] = await app.get(AlertsService).evaluate(now + 10 * 60_000);
      expect(resolved).toMatchObject({ id: firing?.id, state: 'resolved' });
      const stored = await client.request(listAlerts, { state: 'resolved', limit: 10 });
      expect(stored.alerts.find((a) => a.id === firing?.id)).toMatchObject({
        firedAt: firing?.firedAt,
        exemplarTraceIds: firing?.exemplarTraceIds,
      });
      await eventually('the resolved webhook', () => received.find((p) => p.status === 'resolved'));
      expect((await client.request(listAlerts, { state: 'firing', limit: 10 })).alerts).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('accepts gzip OTLP/JSON and answers broken bodies with problem+json', async () => {
    const app = await boot();
    try {
      const url = `${await app.getUrl()}/v1/traces`;
      const body = {
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ingestion' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: 'ab'.repeat(16),
                    spanId: 'cd'.repeat(8),
                    name: 'ingestion.transactions.ingest.v1',
                    kind: 2,
                    startTimeUnixNano: '1000',
                    endTimeUnixNano: '5001000',
                    attributes: [{ key: 'messaging.destination.name', value: { stringValue: 'ingestion.transactions.ingest.v1' } }],
                  },
                ],
              },
            ],
          },
        ],
      };
      const ok = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify(body)),
      });
      expect(ok.status).toBe(200);
      const traceRes = await fetch(`${url}/${'ab'.repeat(16)}`);
      expect(await traceRes.json()).toMatchObject({
        spans: [{ service: 'ingestion', route: 'ingestion.transactions.ingest.v1', durationMs: 5 }],
      });

      const badGzip = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: 'not gzip',
      });
      expect(badGzip.status).toBe(400);
      expect(badGzip.headers.get('content-type')).toContain('application/problem+json');
      const badProto = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from([0x0a, 0xff, 0xff]),
      });
      expect(badProto.status).toBe(400);
      const text = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
      expect(text.status).toBe(415);
      expect(JSON.stringify(await text.json())).not.toMatch(/at .*\.js/);
    } finally {
      await app.close();
    }
  });
});
