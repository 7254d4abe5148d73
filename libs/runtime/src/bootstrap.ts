import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { isSyntheticBaggage, JsonLogger } from '@ledgerline/telemetry';
import type pino from 'pino';
import { faults } from './faults';
import { closeConnectionsOnShutdown } from './graceful-close';
import { httpRequestDuration } from './metrics';
import { serverWithPreDispatch, type PreDispatch, type PreDispatchSlot } from './pre-dispatch';
import { clientErrorHandler, frameworkErrors, ProblemFilter } from './problem.filter';
import { traceRequests } from './server-spans';

export interface BootstrapOptions {
  module: Parameters<typeof NestFactory.create>[0];
  logger: pino.Logger;
  host: string;
  port: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** Longest path parameter, in characters as sent (percent-encoded); longer is a 414. */
  maxParamLength?: number;
  /** Service-specific Fastify setup (content-type parsers, plugins) before listening. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** A raw handler for the service's hottest routes, ahead of Fastify (see pre-dispatch.ts). */
  preDispatch?: (app: NestFastifyApplication) => PreDispatch;
}

/** Fastify hooks shared by every service: route-named spans, latency metrics, problem+json errors. */
export function configureHttp(app: NestFastifyApplication, logger: pino.Logger): { closing: () => boolean } {
  const fastify = app.getHttpAdapter().getInstance();
  // First, so every later hook runs inside the request's span.
  traceRequests(fastify);
  // Callback hooks, not async ones: on the hot path a promise per hook per request is measurable.
  fastify.addHook('onRequest', (request, _reply, done) => {
    // Drills: a configured delay or error for this route (nothing to do unless a fault is set).
    const route = request.routeOptions.url;
    if (!route || !faults.any) return done();
    faults.apply(`${request.method} ${route}`).then(() => done(), done);
  });
  const closing = closeConnectionsOnShutdown(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const synthetic = String(isSyntheticBaggage(request.headers.baggage));
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode), synthetic }, reply.elapsedTime / 1000);
    done();
  });
  app.useGlobalFilters(new ProblemFilter(logger));
  return { closing };
}

export async function createHttpApp(options: BootstrapOptions): Promise<NestFastifyApplication> {
  let closing = (): boolean => false;
  const preDispatch: PreDispatchSlot = { bypass: () => faults.any || closing() };
  const adapter = new FastifyAdapter({
    ...(options.preDispatch ? { serverFactory: serverWithPreDispatch(preDispatch) } : {}),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    trustProxy: false,
    // Router options go under routerOptions (the top-level form is deprecated, FSTDEP022).
    routerOptions: { maxParamLength: options.maxParamLength ?? 100 },
    frameworkErrors,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: new JsonLogger(options.logger),
    bufferLogs: false,
  });
  closing = configureHttp(app, options.logger).closing;
  await options.configure?.(app);
  preDispatch.handler = options.preDispatch?.(app);
  app.enableShutdownHooks();
  return app;
}

/** Boots a service: create, listen, log where. Exits on boot failure with the reason logged. */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  try {
    const app = await createHttpApp(options);
    await app.listen(options.port, options.host);
    options.logger.info({ url: await app.getUrl() }, 'service listening');
    return app;
  } catch (error) {
    options.logger.fatal({ err: error }, 'service failed to start');
    process.exit(1);
  }
}
