import type { Runtime } from '../runtime';
import type { WireRequest, WireResponse } from '../wire';

type Body = string | Record<string, unknown> | null | undefined;

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  responseCallback?: ExpectedStatuses | null;
}

/** What `http.expectedStatuses` returns: which statuses do not count in `http_req_failed`. */
class ExpectedStatuses {
  constructor(private readonly accepted: ReadonlyArray<number | { min: number; max: number }>) {}
  accepts(status: number): boolean {
    return this.accepted.some((a) => (typeof a === 'number' ? a === status : status >= a.min && status <= a.max));
  }
}

type BatchEntry = [string, string, Body?, Params?] | { method: string; url: string; body?: Body; params?: Params } | string;

const DEFAULT_TIMEOUT_MS = 60_000;

export function parseTimeout(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
  if (!match) throw new Error(`timeout "${value}" is not a duration like 500ms, 60s or 2m`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Go's canonical header names (`content-type` → `Content-Type`), which is how k6 scripts read them. */
const canonical = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

function selectJson(value: unknown, selector: string | undefined): unknown {
  if (!selector) return value;
  // k6 takes a gjson path; dotted keys and array indexes cover what these suites use.
  return selector
    .split('.')
    .reduce<unknown>((v, key) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key]), value);
}

/** The `k6/http` module: requests block the script until answered, and record k6's built-in metrics. */
export function httpModule(rt: Runtime) {
  let defaultCallback: ExpectedStatuses | null = new ExpectedStatuses([{ min: 200, max: 399 }]);

  function toWire(method: string, url: string, body: Body, params: Params = {}): WireRequest {
    const headers: Record<string, string> = { 'User-Agent': 'k6-harness (ledgerline)', ...params.headers };
    let text: string | null = null;
    if (typeof body === 'string') text = body;
    else if (body !== null && body !== undefined) {
      // k6 sends an object body as a form.
      text = new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString();
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    return { method: method.toUpperCase(), url, headers, body: text, timeoutMs: parseTimeout(params.timeout) };
  }

  function record(request: WireRequest, response: WireResponse, params: Params = {}) {
    const callback = params.responseCallback === undefined ? defaultCallback : params.responseCallback;
    const expected = callback ? callback.accepts(response.status) : true;
    const tags: Record<string, string> = {
      ...rt.tags(),
      name: request.url,
      method: request.method,
      status: String(response.status),
      url: request.url,
      expected_response: String(expected),
      ...params.tags,
    };
    rt.metrics.add('http_reqs', 1, tags);
    rt.metrics.add('http_req_duration', response.durationMs, tags);
    if (callback) rt.metrics.add('http_req_failed', expected ? 0 : 1, tags);
    rt.metrics.add('data_received', Buffer.byteLength(response.body), tags);
    rt.metrics.add('data_sent', request.body ? Buffer.byteLength(request.body) : 0, tags);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) headers[canonical(name)] = value;
    let parsed: { value: unknown } | undefined;
    return {
      status: response.status,
      status_text: '',
      body: response.body,
      headers,
      url: response.url,
      error: response.error,
      error_code: response.error ? 1000 : response.status >= 400 ? response.status * 1000 : 0,
      timings: {
        duration: response.durationMs,
        waiting: response.durationMs,
        sending: 0,
        receiving: 0,
        blocked: 0,
        connecting: 0,
        tls_handshaking: 0,
      },
      request: { method: request.method, url: request.url, headers: request.headers, body: request.body ?? '' },
      json(selector?: string): unknown {
        // Parsed once per response, like k6 (and it throws on a body that is not JSON, like k6).
        parsed ??= { value: JSON.parse(response.body) as unknown };
        return selectJson(parsed.value, selector);
      },
      html(): never {
        throw new Error('the k6 harness does not implement Response.html()');
      },
    };
  }

  function request(method: string, url: string, body?: Body, params?: Params) {
    const wire = toWire(method, url, body, params);
    const [response] = rt.http.send([wire]);
    return record(wire, response as WireResponse, params);
  }

  function batch(entries: BatchEntry[] | Record<string, BatchEntry>) {
    const list = Array.isArray(entries) ? entries.map((e, i) => [String(i), e] as const) : Object.entries(entries);
    const normalized = list.map(([key, entry]) => {
      if (typeof entry === 'string') return { key, method: 'GET', url: entry, body: undefined, params: undefined };
      if (Array.isArray(entry)) return { key, method: entry[0], url: entry[1], body: entry[2], params: entry[3] };
      return { key, ...entry };
    });
    const wires = normalized.map((n) => toWire(n.method, n.url, n.body, n.params));
    const responses = rt.http.send(wires).map((r, i) => record(wires[i] as WireRequest, r, normalized[i]?.params));
    if (Array.isArray(entries)) return responses;
    return Object.fromEntries(normalized.map((n, i) => [n.key, responses[i]]));
  }

  const api = {
    request,
    batch,
    get: (url: string, params?: Params) => request('GET', url, null, params),
    head: (url: string, params?: Params) => request('HEAD', url, null, params),
    options: (url: string, body?: Body, params?: Params) => request('OPTIONS', url, body, params),
    post: (url: string, body?: Body, params?: Params) => request('POST', url, body, params),
    put: (url: string, body?: Body, params?: Params) => request('PUT', url, body, params),
    patch: (url: string, body?: Body, params?: Params) => request('PATCH', url, body, params),
    del: (url: string, body?: Body, params?: Params) => request('DELETE', url, body, params),
    expectedStatuses: (...accepted: Array<number | { min: number; max: number }>) => new ExpectedStatuses(accepted),
    setResponseCallback: (callback: ExpectedStatuses | null) => {
      defaultCallback = callback;
    },
  };
  return { default: api, ...api };
}
