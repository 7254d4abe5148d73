import fastifyWebsocket from '@fastify/websocket';
import { AppError, liveSubscribeMessageSchema, parseOrThrow } from '@ledgerline/contracts';
import { problemFromError, sendProblem } from '@ledgerline/runtime';
import { STREAM_ATTRIBUTE } from '@ledgerline/telemetry';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { LiveAdmission, type Admitted } from './live-admission';
import { LiveHub } from './live-hub';
import { sseRetry } from './sse';
import { Subscriber } from './subscriber';
import { SseTransport, WsTransport } from './transports';

export const LIVE_PATH = '/v1/dashboard/live';
/** EventSource waits this long before reconnecting after a dropped connection. */
const RECONNECT_MS = 1_000;
/** A subscription message is a few dozen bytes. */
const MAX_WS_MESSAGE_BYTES = 4_096;

type LiveRequest = FastifyRequest & { live?: Admitted };

/**
 * `GET /v1/dashboard/live`, as Server-Sent Events or, on an Upgrade, a
 * WebSocket (one route, through @fastify/websocket). Registered on Fastify
 * directly rather than as a Nest controller: the WebSocket plugin needs its
 * own route option, and the stream outlives the request/response cycle Nest
 * handlers are built for. Admission runs in the route's preHandler, so a
 * refused WebSocket upgrade is a plain problem+json HTTP answer too.
 */
@Injectable()
export class LiveRoutes implements OnModuleInit {
  private readonly logger = new Logger('LiveRoutes');

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly admission: LiveAdmission,
    private readonly hub: LiveHub,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    // Queued, not awaited: loading plugins now would fix every route's error handler before Nest
    // sets its own (after the init hooks), and framework errors would stop being problem+json.
    // The plugin wraps only routes added after it loads (the child scope below), never Nest's.
    void fastify.register(fastifyWebsocket, { options: { maxPayload: MAX_WS_MESSAGE_BYTES } });
    void fastify.register((scope, _options, done) => {
      scope.route({
        method: 'GET',
        url: LIVE_PATH,
        exposeHeadRoute: false,
        preHandler: async (request, reply) => {
          (request as LiveRequest).live = await this.admission.admit(request, reply);
          trace.getActiveSpan()?.setAttribute(STREAM_ATTRIBUTE, true);
        },
        handler: (request, reply) => this.sse(request as LiveRequest, reply),
        wsHandler: (socket, request) => this.websocket(socket, request as LiveRequest),
        errorHandler: (error, _request, reply) => void sendProblem(reply, problemFromError(error)),
      });
      done();
    });
  }

  private sse(request: LiveRequest, reply: FastifyReply): void {
    const live = request.live as Admitted;
    reply.hijack();
    const res = reply.raw;
    if (res.destroyed || request.raw.destroyed) return this.abandon(live);
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined && name !== 'content-length') headers[name] = value;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx (the Ingress) must pass events through as they come, not buffer them.
      'x-accel-buffering': 'no',
    });
    request.raw.socket.setNoDelay(true);
    res.write(sseRetry(RECONNECT_MS));
    const subscriber = new Subscriber(live.streamId, live.tenantId, live.keyId, new SseTransport(res), live.query.month, live.query.views);
    res.on('close', () => this.end(subscriber));
    this.hub.attach(subscriber, live.resumeFrom);
  }

  private websocket(socket: WebSocket, request: LiveRequest): void {
    const live = request.live as Admitted;
    if (socket.readyState !== socket.OPEN) return this.abandon(live);
    const subscriber = new Subscriber(
      live.streamId,
      live.tenantId,
      live.keyId,
      new WsTransport(socket),
      live.query.month,
      live.query.views,
    );
    socket.on('close', () => this.end(subscriber));
    socket.on('message', (data, isBinary) => void this.onMessage(subscriber, socket, data, isBinary));
    this.hub.attach(subscriber, live.resumeFrom);
  }

  /** A subscription change; a bad one is answered with an error message and changes nothing. */
  private async onMessage(subscriber: Subscriber, socket: WebSocket, data: unknown, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) throw new AppError('unsupported-media-type', 'Send subscription changes as JSON text messages.');
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        throw new AppError('malformed-request', 'The message is not JSON.');
      }
      const message = parseOrThrow(liveSubscribeMessageSchema, parsed, 'message');
      await this.hub.resubscribe(subscriber, message.month, message.views);
    } catch (error) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: 'error', problem: problemFromError(error) }));
    }
  }

  private end(subscriber: Subscriber): void {
    this.hub.detach(subscriber);
    this.admission.limit.release(subscriber.keyId, subscriber.id);
  }

  /** The client left between admission and the stream's start. */
  private abandon(live: Admitted): void {
    this.admission.limit.release(live.keyId, live.streamId);
    this.hub.dropUnwatched(live.tenantId);
    this.logger.debug(`stream ${live.streamId} left before it started`);
  }
}
