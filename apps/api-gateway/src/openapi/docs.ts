import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument, reconcile } from './document';
import { ROUTES } from './routes';

const key = (method: string, path: string) => `${method} ${path}`;
const parse = (k: string) => {
  const [method = '', path = ''] = k.split(' ');
  return { method, path };
};

/**
 * Serves the OpenAPI document at /docs/json (and /docs/yaml) and Swagger UI at
 * /docs. Once every route is registered the route table is compared with what
 * is actually served, and any drift is logged (the gateway's edge test fails
 * on it) and shows in the document, so a new controller cannot hide from /docs.
 *
 * The document is built on the first request for it, not at boot: its JSON
 * Schemas (and the zod code converting them) would otherwise sit in every
 * replica's heap, about 1.5 MiB, for a page hardly any replica serves.
 */
export async function registerDocs(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const served = new Set<string>();
  let undocumented: string[] = [];
  let notServed: string[] = [];
  fastify.addHook('onRoute', (route) => {
    if (!route.url?.startsWith('/v1/')) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') served.add(key(method, route.url));
  });
  fastify.addHook('onReady', async () => {
    const documented = new Set(ROUTES.map((r) => key(r.method, r.path)));
    undocumented = [...served].filter((r) => !documented.has(r));
    notServed = [...documented].filter((r) => !served.has(r));
    if (undocumented.length > 0 || notServed.length > 0) {
      new Logger('OpenAPI').warn(
        `route table apps/api-gateway/src/openapi/routes.ts is out of date: undocumented [${undocumented.join(', ')}], not served [${notServed.join(', ')}]`,
      );
    }
  });
  let document: Record<string, unknown> | undefined;
  const built = () => {
    if (!document) {
      document = buildOpenApiDocument();
      reconcile(document, undocumented.map(parse), notServed.map(parse));
    }
    return document;
  };
  // @fastify/swagger-ui needs @fastify/swagger registered; its document is a stub the UI's routes replace with the built one.
  await app.register(fastifySwagger, { mode: 'static', specification: { document: { openapi: '3.1.0' } as never } });
  // The UI page needs scripts and styles of its own: it sets its own CSP instead of the API's `default-src 'none'`.
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // The built document is served as it is: nothing to clone per request.
    transformSpecificationClone: false,
    transformSpecification: built,
  });
}
