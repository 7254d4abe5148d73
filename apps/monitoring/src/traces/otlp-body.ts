import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { decodeOtlpProtobuf } from './otlp-protobuf';

export const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];

class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

/**
 * OTLP/HTTP bodies as the OpenTelemetry exporters and the Collector send
 * them: JSON or protobuf, optionally gzip/deflate compressed. Decompression
 * is a stream step before parsing, so the body limit applies to the inflated
 * size (a small gzip body cannot become a memory bomb) and Nest's own JSON
 * parser stays in place.
 */
export function registerOtlpParsers(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = String(request.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding === 'identity') return payload;
    if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
      throw new BodyError(`Content-Encoding ${encoding} is not supported (gzip, deflate).`, 415);
    }
    const inflated = (encoding === 'deflate' ? createInflate() : createGunzip()) as unknown as Readable & { receivedEncodedLength?: number };
    // Fastify checks Content-Length against the bytes on the wire, which it reads from here.
    let encoded = 0;
    payload.on('data', (chunk: Buffer) => {
      encoded += chunk.length;
      inflated.receivedEncodedLength = encoded;
    });
    payload.on('error', (error) => inflated.destroy(error));
    payload.pipe(inflated as unknown as NodeJS.WritableStream);
    return inflated;
  });
  fastify.addContentTypeParser(PROTOBUF_TYPES, { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    try {
      done(null, decodeOtlpProtobuf(body));
    } catch {
      done(new BodyError('The body is not a valid OTLP ExportTraceServiceRequest.', 400), undefined);
    }
  });
}
