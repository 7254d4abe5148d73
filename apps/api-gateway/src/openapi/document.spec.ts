import { PROBLEM_STATUS, type ProblemCode } from '@ledgerline/contracts';
import { buildOpenApiDocument, reconcile } from './document';
import { ROUTES } from './routes';

type Doc = {
  info: { description: string };
  paths: Record<
    string,
    Record<string, { parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, { description: string }> }>
  >;
};

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument() as unknown as Doc;

  it('has one operation per documented route, with path parameters in OpenAPI syntax', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort());
    expect(doc.paths['/v1/dashboard/drill-down/{category}']?.get?.parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['category', 'path', true],
      ['month', 'query', true],
      ['level', 'query', false],
      ['subcategory', 'query', false],
      ['member', 'query', false],
      ['limit', 'query', false],
      ['cursor', 'query', false],
    ]);
  });

  it('names every problem type with its status', () => {
    for (const [code, status] of Object.entries(PROBLEM_STATUS) as [ProblemCode, number][]) {
      expect(doc.info.description).toContain(`https://ledgerline.dev/problems/${code}\` — ${status}`);
    }
  });

  it('documents 404 on routes addressing one resource (a malformed id too) and 422 wherever a body is validated', () => {
    const byId = Object.entries(doc.paths).filter(([path]) => path.includes('{id}'));
    expect(byId.length).toBeGreaterThanOrEqual(8);
    for (const [, ops] of byId)
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses)).toContain('404');
        if (method === 'patch') expect(Object.keys(op.responses)).toContain('422');
      }
    expect(doc.paths['/v1/tenants']?.post?.responses['422']?.description).toContain('validation-failed');
  });
});

describe('OpenAPI reconciliation with the served routes', () => {
  it('adds served routes missing from the table and drops listed routes that are not served', () => {
    const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    reconcile(doc as never, [{ method: 'GET', path: '/v1/monitoring/report' }], [{ method: 'GET', path: '/v1/tenant/keys/current' }]);
    expect(doc.paths['/v1/monitoring/report']?.get).toMatchObject({ 'x-undocumented': true, summary: 'Not documented yet' });
    expect(doc.paths['/v1/tenant/keys/current']).toBeUndefined();
    expect(doc.paths['/v1/tenant/keys']?.get).toBeDefined();
  });
});
