import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument } from './document';
import { ROUTES } from './routes';

const key = (method: string, path: string) => `${method} ${path}`;

/**
 * Serves the OpenAPI document at /docs/json (and /docs/yaml) and Swagger UI at
 * /docs, and refuses to start when a served /v1 route is undocumented or a
 * documented one is not served.
 */
export async function registerDocs(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const served = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    if (!route.url?.startsWith('/v1/')) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS') served.add(key(method, route.url));
  });
  fastify.addHook('onReady', async () => {
    const documented = new Set(ROUTES.map((r) => key(r.method, r.path)));
    const undocumented = [...served].filter((r) => !documented.has(r));
    const missing = [...documented].filter((r) => !served.has(r));
    if (undocumented.length > 0 || missing.length > 0) {
      throw new Error(
        `OpenAPI route table out of date (apps/api-gateway/src/openapi/routes.ts): undocumented [${undocumented.join(', ')}], not served [${missing.join(', ')}]`,
      );
    }
  });
  await app.register(fastifySwagger, { mode: 'static', specification: { document: buildOpenApiDocument() as never } });
  // The UI page needs scripts and styles of its own: it sets its own CSP instead of the API's `default-src 'none'`.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
}
