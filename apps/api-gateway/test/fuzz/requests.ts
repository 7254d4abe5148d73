import fc from 'fast-check';
import { z } from 'zod';
import type { RouteDoc } from '../../src/openapi/routes';
import { hostileSegment, hostileValue, ODD_CONTENT_TYPES, type Hostile } from './hostile-values';

/** One generated request; `body` is the exact text sent. */
export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** Which credentials: the route's own, none, or garbage. */
  auth: 'route' | 'none' | 'garbage';
  /** What was done to it, for the failure message. */
  mutation: string;
}

type Json = unknown;
type Path = (string | number)[];

/** Every node path of a JSON value (objects and arrays included), so a mutation can hit any level. */
function nodePaths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodePaths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...nodePaths(v, [...prefix, k]));
  return out;
}

/**
 * Every field path a schema declares, nested objects and the first item of
 * lists included (union members too): `transactions.0.amount`, `split.member`.
 */
export function schemaPaths(schema: z.ZodType): Path[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const out = new Map<string, Path>();
  const visit = (node: unknown, prefix: Path, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 4) return;
    const n = node as { properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[]; oneOf?: unknown[]; allOf?: unknown[] };
    for (const [key, child] of Object.entries(n.properties ?? {})) {
      const path = [...prefix, key];
      out.set(path.join('.'), path);
      visit(child, path, depth + 1);
    }
    if (n.items) visit(n.items, [...prefix, 0], depth + 1);
    [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])].forEach((member) => visit(member, prefix, depth));
  };
  visit(json, [], 0);
  return [...out.values()];
}

const RAW = '\u0001raw\u0001';

/**
 * JSON text of `value` with each hostile value at its path (raw JSON texts
 * spliced in verbatim); missing parents are created, a path through a
 * non-object (an earlier edit replaced it) is skipped.
 */
function withValuesAt(value: Json, edits: { path: Path; value: Hostile }[]): string {
  const root = { v: structuredClone(value) } as Record<string, unknown>;
  const raws: string[] = [];
  for (const edit of edits) {
    let node: Record<string | number, unknown> = root;
    const full: Path = ['v', ...edit.path];
    let ok = true;
    for (const key of full.slice(0, -1)) {
      if (node[key] === undefined) node[key] = typeof key === 'number' ? [] : {};
      const next = node[key];
      if (!next || typeof next !== 'object') {
        ok = false;
        break;
      }
      node = next as Record<string | number, unknown>;
    }
    if (!ok) continue;
    const last = full[full.length - 1] as string | number;
    if ('raw' in edit.value) {
      node[last] = `${RAW}${raws.length}`;
      raws.push(edit.value.raw);
    } else {
      node[last] = edit.value.json;
    }
  }
  let text = JSON.stringify(root.v) ?? 'null';
  raws.forEach((raw, i) => (text = text.replace(JSON.stringify(`${RAW}${i}`), raw)));
  return text;
}

function withoutAt(value: Json, path: Path): string {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return JSON.stringify(copy);
}

const hostileText = (h: Hostile) => ('raw' in h ? h.raw : JSON.stringify(h.json));

/** Mutated JSON bodies around a valid `seed`, guided by the fields the route's schema declares. */
export function bodyArbitrary(seed: Json, declared: Path[]): fc.Arbitrary<{ body: string; mutation: string }> {
  const known = new Map([...nodePaths(seed), ...declared].map((p) => [p.join('.'), p]));
  const paths = [...known.values()];
  const seedText = JSON.stringify(seed);
  const topKeys = seed && typeof seed === 'object' && !Array.isArray(seed) ? Object.keys(seed) : [];
  const edit = fc.record({ path: fc.constantFrom(...(paths.length > 0 ? paths : [['x']])), value: hostileValue });
  const options: fc.WeightedArbitrary<{ body: string; mutation: string }>[] = [
    // Most requests: one to three fields of a valid body set to hostile values, the rest left valid.
    {
      weight: 12,
      arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => ({
        body: withValuesAt(seed, edits),
        mutation: edits.map((e) => `set ${e.path.join('.')} = ${hostileText(e.value).slice(0, 60)}`).join(', '),
      })),
    },
    { weight: 1, arbitrary: fc.constant({ body: seedText, mutation: 'the valid seed' }) },
    {
      weight: 1,
      arbitrary: fc.record({ key: fc.string({ unit: 'binary', maxLength: 20 }), value: hostileValue }).map(({ key, value }) => ({
        body: withValuesAt(seed, [{ path: [key], value }]),
        mutation: `add field ${JSON.stringify(key)}`,
      })),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 4 }).map((body) => ({ body, mutation: 'a random JSON document' })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', '{', '{"a":', 'null', '[]', '"text"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '\u0000')
        .map((body) => ({ body, mutation: `malformed or odd JSON ${JSON.stringify(body)}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: Math.max(0, seedText.length - 1) })
        .map((cut) => ({ body: seedText.slice(0, cut), mutation: `truncated at ${cut}` })),
    },
    // Oversized: past the 1 MiB default body limit (the batch route has its own, larger one).
    { weight: 1, arbitrary: fc.constant({ body: JSON.stringify({ padding: 'x'.repeat(1_100_000) }), mutation: 'oversized body' }) },
  ];
  const seedPaths = nodePaths(seed);
  if (seedPaths.length > 0) {
    options.push({
      weight: 2,
      arbitrary: fc.constantFrom(...seedPaths).map((path) => ({ body: withoutAt(seed, path), mutation: `remove ${path.join('.')}` })),
    });
  }
  if (topKeys.length > 0) {
    // JSON.parse keeps the last of duplicate keys: the hostile one goes last.
    options.push({
      weight: 1,
      arbitrary: fc.record({ key: fc.constantFrom(...topKeys), value: hostileValue }).map(({ key, value }) => ({
        body: `${seedText.slice(0, -1)},${JSON.stringify(key)}:${hostileText(value)}}`,
        mutation: `duplicate field ${key}`,
      })),
    });
  }
  return fc.oneof(...options);
}

/** Mutated query strings around a valid seed: hostile values, missing, repeated and unknown parameters. */
export function queryArbitrary(seed: Record<string, string>): fc.Arbitrary<{ query: string; mutation: string }> {
  const keys = Object.keys(seed);
  const encode = (entries: [string, string][]) => entries.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  const seedEntries = (): [string, string][] => keys.map((k) => [k, encodeURIComponent(seed[k] as string)]);
  const options: fc.Arbitrary<{ query: string; mutation: string }>[] = [
    fc.constant({ query: encode(seedEntries()), mutation: 'the valid query' }),
    fc
      .record({ key: fc.string({ unit: 'binary', maxLength: 10 }).map((k) => k.replace(/[\uD800-\uDFFF]/g, '')), value: hostileSegment })
      .map(({ key, value }) => ({
        query: encode([...seedEntries(), [key, value]]),
        mutation: `extra parameter ${JSON.stringify(key)}`,
      })),
  ];
  if (keys.length > 0) {
    options.push(
      fc.record({ key: fc.constantFrom(...keys), value: hostileSegment }).map(({ key, value }) => ({
        query: encode(seedEntries().map(([k, v]) => [k, k === key ? value : v])),
        mutation: `${key}=${value.slice(0, 80)}`,
      })),
      fc.constantFrom(...keys).map((key) => ({ query: encode(seedEntries().filter(([k]) => k !== key)), mutation: `without ${key}` })),
      fc.record({ key: fc.constantFrom(...keys), value: hostileSegment }).map(({ key, value }) => ({
        query: encode([...seedEntries(), [key, value]]),
        mutation: `${key} twice`,
      })),
    );
  }
  return fc.oneof(...options);
}

/** Requests for one route: its path parameters, query and body mutated, under odd content types and credentials. */
export function requestArbitrary(
  route: RouteDoc,
  seeds: { params: Record<string, string[]>; query?: Record<string, string>; body?: Json },
): fc.Arbitrary<FuzzRequest> {
  const paramNames = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => name as string);
  const params = fc.tuple(
    ...paramNames.map((name) => {
      const valid = seeds.params[name] ?? [];
      return valid.length > 0
        ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: hostileSegment })
        : hostileSegment;
    }),
  );
  const query = route.query || seeds.query ? queryArbitrary(seeds.query ?? {}) : fc.constant({ query: '', mutation: '' });
  const takesJson = route.body !== undefined && route.body !== 'csv';
  const body: fc.Arbitrary<{ body?: string; mutation: string }> =
    route.method === 'GET'
      ? fc.constant({ body: undefined, mutation: '' })
      : takesJson
        ? bodyArbitrary(seeds.body ?? {}, schemaPaths(route.body as z.ZodType))
        : route.body === 'csv'
          ? fc
              .oneof(
                fc.constantFrom(
                  'date,amount,category\n2026-10-01,abc00,Home\n',
                  'date,amount,category\n2026-10-01,5.00,Ho\u0000me\n',
                  '\u0000\u0000',
                  '"unclosed\n',
                  '',
                ),
                fc.string({ unit: 'binary', maxLength: 200 }),
              )
              .map((csv) => ({ body: csv, mutation: `csv ${JSON.stringify(csv.slice(0, 60))}` }))
          : fc.constantFrom(
              { body: undefined, mutation: 'no body' },
              { body: '', mutation: 'empty body' },
              { body: '{}', mutation: 'an unexpected {}' },
            );
  const defaultType = route.body === 'csv' ? 'text/csv' : 'application/json';
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | undefined>(defaultType) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_CONTENT_TYPES) },
  );
  const auth = fc.oneof(
    { weight: 12, arbitrary: fc.constant('route' as const) },
    { weight: 1, arbitrary: fc.constantFrom('none' as const, 'garbage' as const) },
  );
  return fc.record({ params, query, body, contentType, auth }).map(({ params: values, query: q, body: b, contentType: type, auth: a }) => {
    let path = route.path;
    paramNames.forEach((name, i) => (path = path.replace(`:${name}`, values[i] as string)));
    return {
      method: route.method,
      path: q.query ? `${path}?${q.query}` : path,
      body: b.body,
      contentType: b.body === undefined ? undefined : type,
      auth: a,
      mutation: [
        q.mutation,
        b.mutation,
        type === defaultType ? '' : `content-type ${String(type).slice(0, 40)}`,
        a === 'route' ? '' : `auth ${a}`,
      ]
        .filter(Boolean)
        .join('; '),
    };
  });
}
