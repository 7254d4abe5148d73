// Validates Kubernetes objects against the API schema with kubernetes-models.
// stdin: a JSON array of objects; stdout: a JSON array of
// { index, kind, name, error } for every object that does not validate.
// A separate ES module because kubernetes-models is ESM-only (no `require` export),
// which the CommonJS jest runtime cannot load; deploy/k8s.spec.ts spawns it.
import { text } from 'node:stream/consumers';

const objects = JSON.parse(await text(process.stdin));
const problems = [];
for (const [index, object] of objects.entries()) {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  // Core objects (apiVersion v1) live under kubernetes-models/v1, groups under kubernetes-models/<group>/<version>.
  const path = `kubernetes-models/${apiVersion}`;
  let model;
  try {
    model = (await import(path))[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') {
    problems.push({ index, kind, name, error: `no kubernetes-models class for ${apiVersion} ${kind}` });
    continue;
  }
  // kustomize wraps long base64 Secret values at 70 columns; the API server's decoder
  // skips the newlines, the schema's "byte" format does not.
  const input =
    kind === 'Secret' && object.data
      ? { ...object, data: Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')])) }
      : object;
  try {
    new model(input).validate();
  } catch (error) {
    problems.push({ index, kind, name, error: error instanceof Error ? error.message : String(error) });
  }
}
process.stdout.write(JSON.stringify(problems));
