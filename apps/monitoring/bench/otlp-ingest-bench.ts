/**
 * Bounded ingest benchmark of the OTLP receiver: a fixed number of export
 * requests (real SDK spans, serialized by the OTLP serializers) POSTed to an
 * in-process receiver on 127.0.0.1. Only the ingest path runs (decode,
 * windows, span store); PostgreSQL and NATS are not involved in ingest.
 *
 *   npm run build && node dist/apps/monitoring/bench/otlp-ingest-bench.js [requests=300] [spansPerRequest=512] [concurrency=4]
 */
import { createHttpApp, LOGGER } from '@ledgerline/runtime';
import { Global, Module } from '@nestjs/common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { MONITORING_CONFIG } from '../src/tokens';
import { loadMonitoringConfig } from '../src/config';
import { registerOtlpParsers } from '../src/traces/otlp-body';
import { TracesModule } from '../src/traces/traces.module';

const [requests = 300, spansPerRequest = 512, concurrency = 4] = process.argv.slice(2).map(Number);
const logger = pino({ level: 'silent' });

@Global()
@Module({
  providers: [
    { provide: MONITORING_CONFIG, useValue: loadMonitoringConfig({}) },
    { provide: LOGGER, useValue: logger },
  ],
  exports: [MONITORING_CONFIG, LOGGER],
})
class BenchConfigModule {}

@Module({ imports: [BenchConfigModule, TracesModule] })
class BenchModule {}

/** Traces of 4 spans (a server span over one of 30 routes, two queries, a cache lookup). */
function batch(seed: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `svc-${seed % 3}` }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('bench');
  const t0 = Date.now();
  for (let i = 0; i < spansPerRequest / 4; i++) {
    const route = `/v1/route-${(seed * 7 + i) % 30}`;
    const server = tracer.startSpan(`GET ${route}`, {
      kind: SpanKind.SERVER,
      startTime: t0,
      attributes: { 'http.route': route, 'http.method': 'GET' },
    });
    const ctx = trace.setSpan(context.active(), server);
    const ms = 5 + ((i * 37 + seed) % 200);
    for (let q = 0; q < 2; q++)
      tracer.startSpan('SELECT rollups', { startTime: t0 + 1, attributes: { 'db.system': 'postgresql' } }, ctx).end(t0 + 1 + ms / 3);
    tracer.startSpan('cache get', { startTime: t0, attributes: { 'cache.hit': i % 5 !== 0, 'cache.level': 'l1' } }, ctx).end(t0 + 1);
    server.end(t0 + ms);
  }
  return exporter.getFinishedSpans();
}

async function run(url: string, label: string, bodies: { body: Uint8Array; headers: Record<string, string> }[]): Promise<void> {
  let next = 0;
  let spans = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const payload = bodies[i % bodies.length] as (typeof bodies)[number];
      const res = await fetch(url, { method: 'POST', headers: payload.headers, body: payload.body });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${label}: HTTP ${res.status}`);
      spans += spansPerRequest;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      format: label,
      requests,
      spansPerRequest,
      concurrency,
      spans,
      seconds: Number(seconds.toFixed(2)),
      spansPerSecond: Math.round(spans / seconds),
    }),
  );
}

async function main(): Promise<void> {
  const app = await createHttpApp({
    module: BenchModule,
    logger,
    host: '127.0.0.1',
    port: 0,
    bodyLimit: 8 * 1_048_576,
    configure: registerOtlpParsers,
  });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/v1/traces`;
  const batches = Array.from({ length: 16 }, (_, i) => batch(i));
  const proto = batches.map((b) => ProtobufTraceSerializer.serializeRequest(b) as Uint8Array);
  const json = batches.map((b) => JsonTraceSerializer.serializeRequest(b) as Uint8Array);
  await run(
    url,
    'warm-up',
    proto.map((body) => ({ body, headers: { 'content-type': 'application/x-protobuf' } })),
  );
  await run(
    url,
    'protobuf',
    proto.map((body) => ({ body, headers: { 'content-type': 'application/x-protobuf' } })),
  );
  await run(
    url,
    'protobuf+gzip',
    proto.map((body) => ({ body: gzipSync(body), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' } })),
  );
  await run(
    url,
    'json',
    json.map((body) => ({ body, headers: { 'content-type': 'application/json' } })),
  );
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
