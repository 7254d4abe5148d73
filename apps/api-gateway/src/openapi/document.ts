import { PROBLEM_STATUS, PROBLEM_TITLES, PROBLEM_TYPE_BASE, uuidString, type ProblemCode } from '@ledgerline/contracts';
import { z } from 'zod';
import { ROUTES, type RouteDoc } from './routes';

/** The problem+json body every error has (RFC 9457), as the gateway's `toProblem` builds it. */
export const problemSchema = z.object({
  type: z.string().describe('`https://ledgerline.dev/problems/<code>`'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        field: z.string(),
        message: z.string(),
        index: z.number().int().optional().describe('row of a JSON batch'),
        line: z.number().int().optional().describe('line of a CSV import'),
      }),
    )
    .optional()
    .describe('every invalid field, on 422'),
});

/** Problems any authenticated route can answer with. */
const EVERY_ROUTE: ProblemCode[] = ['unauthorized', 'forbidden', 'rate-limited', 'internal'];

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const RATE_LIMIT_HEADERS = [
  'RateLimit-Policy',
  'RateLimit',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Request-Id',
];
const headerRefs = (names: string[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

function parameters(route: RouteDoc): JsonSchema[] {
  const params: JsonSchema[] = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: name === 'category' ? { type: 'string', minLength: 1, maxLength: 100 } : jsonSchema(uuidString),
  }));
  if (route.query) {
    const query = jsonSchema(route.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      params.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  return params;
}

function problemResponse(code: ProblemCode): JsonSchema {
  const headers =
    code === 'rate-limited' || code === 'service-unavailable'
      ? headerRefs([...RATE_LIMIT_HEADERS, 'Retry-After'])
      : headerRefs(RATE_LIMIT_HEADERS);
  return {
    description: `${PROBLEM_TITLES[code]} — type \`${PROBLEM_TYPE_BASE}${code}\``,
    headers,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function operation(route: RouteDoc): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  const success: JsonSchema = { description: route.success.description, headers: headerRefs(RATE_LIMIT_HEADERS) };
  if (route.success.status !== 204) {
    success.content = Object.fromEntries((route.success.contentTypes ?? ['application/json']).map((t) => [t, {}]));
  }
  responses[String(route.success.status)] = success;
  for (const code of new Set([...EVERY_ROUTE, ...route.problems])) {
    const status = String(PROBLEM_STATUS[code]);
    // Two codes never share a status, so one response per status says everything.
    responses[status] ??= problemResponse(code);
  }
  const op: JsonSchema = {
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path)
      .replace(/[{}]/g, '')
      .replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    summary: route.summary,
    description: `${route.auth === 'admin' ? 'Admin key only.' : 'A tenant key; the tenant is the key’s, never the client’s.'} Rate-limit class: \`${route.routeClass}\`.`,
    tags: [route.path.split('/')[2] ?? 'v1'],
    security: [{ [route.auth === 'admin' ? 'adminKey' : 'tenantKey']: [] }],
    parameters: parameters(route),
    responses,
  };
  if (route.body === 'csv') {
    op.requestBody = {
      required: true,
      content: {
        'text/csv': {
          schema: { type: 'string', description: 'Header row with the transaction field names; RFC 4180; UTF-8 with or without BOM' },
        },
      },
    };
  } else if (route.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
  }
  return op;
}

const problemTypes = (Object.keys(PROBLEM_STATUS) as ProblemCode[])
  .map((code) => `- \`${PROBLEM_TYPE_BASE}${code}\` — ${PROBLEM_STATUS[code]} ${PROBLEM_TITLES[code]}`)
  .join('\n');

/**
 * Makes the document match what is actually served: a served route missing
 * from the table still appears (marked `x-undocumented`, with the problems
 * every route can answer), a listed route that is not served is dropped.
 */
export function reconcile(
  doc: JsonSchema,
  undocumented: { method: string; path: string }[],
  notServed: { method: string; path: string }[],
): void {
  const paths = doc.paths as Record<string, Record<string, JsonSchema>>;
  for (const { method, path } of notServed) {
    const ops = paths[openApiPath(path)];
    if (!ops) continue;
    delete ops[method.toLowerCase()];
    if (Object.keys(ops).length === 0) delete paths[openApiPath(path)];
  }
  for (const { method, path } of undocumented) {
    const route: RouteDoc = {
      method: method as RouteDoc['method'],
      path,
      summary: 'Not documented yet',
      auth: 'tenant',
      routeClass: method === 'GET' ? 'reads' : 'writes',
      success: { status: 200, description: 'See the handler' },
      problems: [],
    };
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = { ...operation(route), 'x-undocumented': true };
  }
}

/** The OpenAPI 3.1 document of the public API, built once at boot. */
export function buildOpenApiDocument(routes: RouteDoc[] = ROUTES): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation(route);
  const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ledgerline API',
      version: '1',
      description: [
        'Exact, always-fresh financial dashboards. Every error is `application/problem+json` (RFC 9457) with one of these types:',
        problemTypes,
        '',
        'Rate limits hold per key and route class (`reads`, `writes`, `imports`) across every gateway replica; requests without a valid key are limited per client IP (`anonymous`).',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        tenantKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key, `ll_…`' },
        adminKey: { type: 'http', scheme: 'bearer', description: 'The operator key (env `ADMIN_API_KEY`)' },
      },
      schemas: { Problem: jsonSchema(problemSchema) },
      headers: {
        'RateLimit-Policy': header('IETF draft httpapi-ratelimit-headers: `"<class>";q=<quota>;w=<seconds to earn it back>`'),
        RateLimit: header('IETF draft: `"<class>";r=<remaining>;t=<seconds until the quota is full again>`'),
        'X-RateLimit-Limit': header('The quota (burst)', { type: 'integer' }),
        'X-RateLimit-Remaining': header('Requests left right now', { type: 'integer' }),
        'X-RateLimit-Reset': header('Seconds (not an epoch time) until the quota is full again', { type: 'integer' }),
        'Retry-After': header('Seconds to wait before retrying', { type: 'integer' }),
        'X-Request-Id': header('The request id: the client’s `x-request-id` when sane, else a new UUID'),
      },
    },
  };
}
