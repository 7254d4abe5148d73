import { AppError } from '@ledgerline/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { spansFromOtlpJson, type OtlpTraceRequest } from './otlp-json';
import { SpanStore } from './span-store';

@Controller('v1/traces')
export class TracesController {
  constructor(private readonly store: SpanStore) {}

  /** OTLP/HTTP receiver (JSON encoding), the path an OpenTelemetry Collector exports to. */
  @Post()
  @HttpCode(200)
  receive(@Headers('content-type') contentType: string | undefined, @Body() body: OtlpTraceRequest): { partialSuccess: object } {
    if (!contentType?.startsWith('application/json')) throw new AppError('unsupported-media-type', 'Send OTLP/JSON (application/json).');
    this.store.add(spansFromOtlpJson(body));
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
        durationMs: Number(s.durationNanos) / 1e6,
        error: s.error,
      })),
    };
  }
}
