import { AppError } from '@ledgerline/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LatencyTracker } from '../latency/latency-tracker';
import { PROTOBUF_TYPES } from './otlp-body';
import { spansFromOtlpJson, type OtlpTraceRequest } from './otlp-json';
import { SpanStore } from './span-store';

const isProtobuf = (contentType: string | undefined) => PROTOBUF_TYPES.some((t) => contentType?.startsWith(t));

@Controller('v1/traces')
export class TracesController {
  constructor(
    private readonly store: SpanStore,
    private readonly tracker: LatencyTracker,
  ) {}

  /** OTLP/HTTP receiver (JSON or protobuf, gzip accepted): the path an OpenTelemetry Collector exports to. */
  @Post()
  @HttpCode(200)
  receive(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: OtlpTraceRequest | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): { partialSuccess: object } | Buffer {
    if (!contentType?.startsWith('application/json') && !isProtobuf(contentType)) {
      throw new AppError('unsupported-media-type', 'Send OTLP/JSON (application/json) or OTLP/protobuf (application/x-protobuf).');
    }
    if (!body || typeof body !== 'object' || (body.resourceSpans !== undefined && !Array.isArray(body.resourceSpans))) {
      throw new AppError('malformed-request', 'The body is not an ExportTraceServiceRequest.');
    }
    let spans;
    try {
      spans = spansFromOtlpJson(body);
    } catch {
      throw new AppError('malformed-request', 'The body is not an ExportTraceServiceRequest.');
    }
    this.store.add(spans);
    this.store.pin(this.tracker.observe(spans, Date.now()));
    if (isProtobuf(contentType)) {
      // An empty ExportTraceServiceResponse encodes to zero bytes.
      void reply.header('content-type', 'application/x-protobuf');
      return Buffer.alloc(0);
    }
    return { partialSuccess: {} };
  }

  @Get(':traceId')
  trace(@Param('traceId') traceId: string) {
    const spans = this.store.trace(traceId);
    if (spans.length === 0) throw new AppError('not-found', 'No spans for that trace.');
    return {
      traceId,
      spans: spans.map((s) => ({
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        service: s.service,
        name: s.name,
        route: s.route,
        startUnixNano: s.startUnixNano.toString(),
        durationMs: Number(s.durationNanos) / 1e6,
        error: s.error,
        attributes: s.attributes,
      })),
    };
  }
}
