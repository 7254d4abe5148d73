import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { OtlpTraceRequest } from './otlp-json';
import { decodeOtlpProtobuf } from './otlp-protobuf';

/** A compressed export may not inflate past this: a small gzip body cannot become a memory bomb. */
const MAX_INFLATED_BYTES = 64 * 1_048_576;
export const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

function inflate(request: FastifyRequest, body: Buffer): Buffer {
  const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
    if (encoding === 'deflate') return inflateSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new BodyError(tooLarge ? 'The inflated body is too large.' : 'The body is not valid compressed data.', tooLarge ? 413 : 400);
  }
  if (encoding === 'identity') return body;
  throw new BodyError(`Content-Encoding ${encoding} is not supported (gzip, deflate).`, 415);
}

/**
 * OTLP/HTTP bodies: JSON or protobuf, optionally gzip/deflate compressed as
 * the OpenTelemetry exporters and the Collector send them. Replaces the JSON
 * parser of the monitoring service only.
 */
export function registerOtlpParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    try {
      const text = inflate(request, body).toString('utf8');
      done(null, text.length === 0 ? {} : (JSON.parse(text) as unknown));
    } catch (error) {
      done(error instanceof BodyError ? error : new BodyError(`The body is not valid JSON: ${(error as Error).message}`, 400), undefined);
    }
  });
  fastify.addContentTypeParser(PROTOBUF_TYPES, { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    try {
      done(null, decodeOtlpProtobuf(inflate(request, body)) satisfies OtlpTraceRequest);
    } catch (error) {
      done(error instanceof BodyError ? error : new BodyError('The body is not a valid OTLP ExportTraceServiceRequest.', 400), undefined);
    }
  });
}
