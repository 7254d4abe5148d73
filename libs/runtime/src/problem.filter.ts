import { AppError, PROBLEM_TITLES, toProblem, type Problem, type ProblemCode } from '@ledgerline/contracts';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Duplex } from 'node:stream';
import type pino from 'pino';
import { dependencyFailure } from './dependency-errors';

const CODE_BY_STATUS: Record<number, ProblemCode> = {
  400: 'malformed-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  422: 'validation-failed',
  429: 'rate-limited',
  431: 'header-fields-too-large',
  503: 'service-unavailable',
  504: 'upstream-timeout',
};

/** Seconds a client should wait before retrying a 503 or 504. */
export const RETRY_AFTER_SECONDS = 1;

/** Maps anything thrown to RFC 9457 problem+json; internals never leak to clients. */
export function problemFromError(error: unknown, logger?: pino.Logger): Problem {
  if (error instanceof AppError) return error.toProblem();
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'malformed-request');
    return toProblem(code, status === 404 ? 'No such resource.' : clientMessage(error));
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own errors: malformed JSON, body too large, unsupported content type.
    const code = CODE_BY_STATUS[status] ?? 'malformed-request';
    return toProblem(code, fastifyMessage(code, error));
  }
  const dependency = dependencyFailure(error);
  if (dependency) {
    logger?.warn({ err: error }, 'dependency failure');
    return dependency.toProblem();
  }
  logger?.error({ err: error }, 'unhandled error');
  return toProblem('internal', 'The request could not be completed.');
}

function clientMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'object' && response && 'message' in response) {
    const message = (response as { message: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return error.message;
}

const FASTIFY_MESSAGES: Partial<Record<ProblemCode, string>> = {
  'payload-too-large': 'The request body is too large.',
  'uri-too-long': 'A path segment is too long.',
  'unsupported-media-type': 'The content type is not supported for this route.',
};

function fastifyMessage(code: ProblemCode, error: unknown): string {
  if (code === 'malformed-request') return `The request body is not valid: ${(error as Error).message}`;
  return FASTIFY_MESSAGES[code] ?? (error as Error).message;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.status === 503 || problem.status === 504) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return reply.status(problem.status).header('Content-Type', 'application/problem+json').send(problem);
}

/**
 * Errors the router raises before any route or hook runs (a malformed URL
 * encoding, an over-long path parameter): problem+json like every other error.
 */
export function frameworkErrors(error: unknown, _request: unknown, reply: FastifyReply): void {
  void sendProblem(reply, problemFromError(error));
}

/**
 * Errors Node's HTTP parser raises before a request exists (headers or a
 * request line too large, bytes that are not HTTP): there is no reply object,
 * so the problem+json response is written to the socket directly.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  const code: ProblemCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'header-fields-too-large'
      : error.code === 'HPE_URI_TOO_LONG'
        ? 'uri-too-long'
        : 'malformed-request';
  const detail =
    code === 'header-fields-too-large'
      ? 'The request line and headers are too large.'
      : code === 'uri-too-long'
        ? 'The request URI is too long.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify(toProblem(code, detail));
  const status = toProblem(code, detail).status;
  socket.end(
    `HTTP/1.1 ${status} ${PROBLEM_TITLES[code]}\r\nConnection: close\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: pino.Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void sendProblem(reply, problemFromError(error, this.logger));
  }
}
