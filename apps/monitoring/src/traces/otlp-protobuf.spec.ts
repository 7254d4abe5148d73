import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { spansFromOtlpJson, type OtlpTraceRequest } from './otlp-json';
import { decodeOtlpProtobuf } from './otlp-protobuf';

/** Real SDK spans, serialized by the same code the OTLP exporters use. */
function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'api-gateway' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test');
  const start = Date.UTC(2026, 10, 25, 12, 0, 0);
  const server = tracer.startSpan('POST /v1/dashboard/refresh', {
    kind: SpanKind.SERVER,
    startTime: start,
    attributes: { 'http.route': '/v1/dashboard/refresh', 'http.method': 'POST', 'http.status_code': 200 },
  });
  const child = tracer.startSpan(
    'cache get',
    { startTime: start + 1, attributes: { 'cache.hit': false, 'cache.level': 'l2', ratio: 0.25, tags: ['a', 'b'] } },
    trace.setSpan(context.active(), server),
  );
  child.setStatus({ code: SpanStatusCode.ERROR });
  child.end(start + 3.5);
  server.end(start + 712.25);
  return exporter.getFinishedSpans();
}

describe('OTLP decoding of real exporter output', () => {
  const spans = recordSpans();

  it('reads protobuf bytes exactly like the JSON encoding of the same export', () => {
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    if (!protobuf || !json) throw new Error('serializer produced nothing');
    const fromProtobuf = spansFromOtlpJson(decodeOtlpProtobuf(protobuf));
    const fromJson = spansFromOtlpJson(JSON.parse(Buffer.from(json).toString('utf8')) as OtlpTraceRequest);
    expect(fromProtobuf).toEqual(fromJson);
  });

  it('keeps ids, timing to the nanosecond, kind, status and attributes', () => {
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
    const decoded = spansFromOtlpJson(decodeOtlpProtobuf(protobuf));
    const server = decoded.find((s) => s.kind === 2);
    const child = decoded.find((s) => s.name === 'cache get');
    const sdkServer = spans.find((s) => s.kind === SpanKind.SERVER) as ReadableSpan;
    expect(server).toMatchObject({
      traceId: sdkServer.spanContext().traceId,
      spanId: sdkServer.spanContext().spanId,
      parentSpanId: null,
      service: 'api-gateway',
      route: '/v1/dashboard/refresh',
      durationNanos: 712_250_000n,
      error: false,
      attributes: { 'http.method': 'POST', 'http.status_code': 200 },
    });
    expect(child).toMatchObject({
      parentSpanId: sdkServer.spanContext().spanId,
      durationNanos: 2_500_000n,
      error: true,
      attributes: { 'cache.hit': false, 'cache.level': 'l2', ratio: 0.25 },
    });
    expect(child?.attributes['tags']).toBe('["a","b"]');
  });

  it('rejects bytes that are not an ExportTraceServiceRequest', () => {
    expect(() => decodeOtlpProtobuf(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]))).toThrow();
  });
});
