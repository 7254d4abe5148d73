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
 * /docs. Once every route is registered the document is reconciled with what
 * is actually served, and any drift from the route table is logged (the
 * gateway's edge test fails on it), so a new controller cannot hide from /docs.
 */
export async function registerDocs(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const document = buildOpenApiDocument();
  const served = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    if (!route.url?.startsWith('/v1/')) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') served.add(key(method, route.url));
  });
  fastify.addHook('onReady', async () => {
    const documented = new Set(ROUTES.map((r) => key(r.method, r.path)));
    const undocumented = [...served].filter((r) => !documented.has(r));
    const notServed = [...documented].filter((r) => !served.has(r));
    if (undocumented.length > 0 || notServed.length > 0) {
      new Logger('OpenAPI').warn(
        `route table apps/api-gateway/src/openapi/routes.ts is out of date: undocumented [${undocumented.join(', ')}], not served [${notServed.join(', ')}]`,
      );
      reconcile(document, undocumented.map(parse), notServed.map(parse));
    }
  });
  // Static mode keeps this object by reference: the reconciliation above shows in /docs/json.
  await app.register(fastifySwagger, { mode: 'static', specification: { document: document as never } });
  // The UI page needs scripts and styles of its own: it sets its own CSP instead of the API's `default-src 'none'`.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
}
