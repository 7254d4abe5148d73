import { AppError } from '@ledgerline/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { ROUTES } from '../openapi/routes';

/** `POST /v1/tenants`-style keys of the routes that take a JSON body. */
const JSON_BODY_ROUTES = new Set(ROUTES.filter((r) => r.body !== undefined && r.body !== 'csv').map((r) => `${r.method} ${r.path}`));

const isJson = (contentType: string | undefined): boolean => {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

/**
 * Bodies as the API takes them:
 * - a route that takes a JSON body answers 415 unless the body is declared
 *   `application/json` (a form or a body without a type is not a guess at JSON);
 * - an empty body declared JSON is "no body" (clients send the header on every
 *   call, DELETE and cancel included), not a 400;
 * - forms are not parsed at all (Nest would turn one into an object whose keys
 *   echo the body in a 422).
 * Registered through Nest so its own default parsers are not added on top.
 */
export function acceptJsonOnly(app: NestFastifyApplication, fastify: FastifyInstance): void {
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', {}, (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    // Fastify's own parser (prototype-poisoning checks included), typed for strings; it takes buffers too.
    void jsonParser(request, body as unknown as string, done);
  });
  app.useBodyParser('application/x-www-form-urlencoded', {}, (_request, _body, done) => {
    done(new AppError('unsupported-media-type', 'This API takes application/json bodies, not forms.'), undefined);
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (JSON_BODY_ROUTES.has(route) && !isJson(request.headers['content-type'])) {
      done(new AppError('unsupported-media-type', 'Send the body as application/json.'));
      return;
    }
    done();
  });
}
