import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '../infra/process';
import type { ServiceName } from '../stack/services';
import type { ServiceSpawnSpec } from '../stack/stack';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiRequest {
  key?: string;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Another gateway replica than the stack's own (see startReplica). */
  baseUrl?: string;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this spec through the e2e jest project`);
  return value;
}

export const e2e = {
  gatewayUrl: () => env('E2E_GATEWAY_URL'),
  monitoringUrl: () => env('E2E_MONITORING_URL'),
  adminKey: () => env('E2E_ADMIN_KEY'),
};

/** One HTTP call to the gateway; parses JSON bodies (including problem+json). */
export async function api<T = unknown>(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.key) headers.authorization = `Bearer ${request.key}`;
  let body: string | undefined;
  if (request.rawBody !== undefined) body = request.rawBody;
  else if (request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const response = await fetch(`${request.baseUrl ?? e2e.gatewayUrl()}${path}`, { method, headers, body });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed = type.includes('json') && text.length > 0 ? (JSON.parse(text) as T) : (text as T);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Creates a tenant through the admin route and returns its id and first key. */
export async function createTenant(body: unknown): Promise<{ id: string; apiKey: string; body: Record<string, unknown> }> {
  const res = await api<Record<string, unknown>>('POST', '/v1/tenants', { key: e2e.adminKey(), body });
  if (res.status !== 201) throw new Error(`tenant create failed: ${res.status} ${res.text}`);
  return { id: res.body.id as string, apiKey: res.body.apiKey as string, body: res.body };
}

/**
 * The PID of each service of the e2e stack now: as started, or as a spec
 * restarted it since. Kept in a file, because jest gives every spec file its
 * own copy of the environment and a later spec must stop the restarted copy.
 */
function servicePids(): Record<string, number> {
  const started = JSON.parse(env('E2E_SERVICE_PIDS')) as Record<string, number>;
  const restarted = existsSync(currentPidsFile()) ? (JSON.parse(readFileSync(currentPidsFile(), 'utf8')) as Record<string, number>) : {};
  return { ...started, ...restarted };
}

const currentPidsFile = (): string => join(env('E2E_LOG_DIR'), 'current.pids.json');

/** Stops a running service of the e2e stack by its PID and waits for it to exit. */
export async function killService(name: ServiceName): Promise<void> {
  const pid = servicePids()[name];
  if (!pid) throw new Error(`no pid for ${name}`);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} (pid ${pid}) did not exit`);
}

/**
 * Starts a fresh copy of a service the test stopped, optionally with extra
 * environment. It outlives the test file (later specs need it too); its PID is
 * recorded for the e2e teardown to stop, and returned.
 */
export async function restartService(name: ServiceName, extraEnv: Record<string, string> = {}): Promise<number> {
  const specs = JSON.parse(readFileSync(env('E2E_SERVICE_SPECS'), 'utf8')) as Record<ServiceName, ServiceSpawnSpec>;
  const spec = specs[name];
  const log = openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    env: { ...spec.env, ...extraEnv },
    cwd: spec.cwd,
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  appendFileSync(restartedPidsFile(), `${child.pid}\n`);
  await waitFor(`${name} /readyz`, async () => (await fetch(spec.readyUrl)).ok, 60_000, 200);
  writeFileSync(currentPidsFile(), JSON.stringify({ ...servicePids(), [name]: child.pid }));
  return child.pid as number;
}

/** The environment a service of the e2e stack runs with (its DATABASE_URL, NATS_URL…), for a test's own look at the infrastructure. */
export function serviceEnv(name: ServiceName): Record<string, string> {
  const specs = JSON.parse(readFileSync(env('E2E_SERVICE_SPECS'), 'utf8')) as Record<ServiceName, ServiceSpawnSpec>;
  return specs[name].env;
}

/**
 * Starts one more replica of a service on its own free port, beside the
 * stack's; `stop` ends it by its PID (the e2e teardown does too, if a test
 * fails first). Returns its base URL. `extraEnv` configures it apart (e.g. tighter limits).
 */
export async function startReplica(
  name: ServiceName,
  extraEnv: Record<string, string> = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const specs = JSON.parse(readFileSync(env('E2E_SERVICE_SPECS'), 'utf8')) as Record<ServiceName, ServiceSpawnSpec>;
  const spec = specs[name];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(spec.logFile.replace(/\.log$/, `-replica-${port}.log`), 'a');
  const child = spawn(spec.command, spec.args, {
    env: { ...spec.env, ...extraEnv, PORT: String(port) },
    cwd: spec.cwd,
    stdio: ['ignore', log, log],
  });
  appendFileSync(restartedPidsFile(), `${child.pid}\n`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(`${name} replica /readyz`, async () => (await fetch(`${url}/readyz`)).ok, 60_000, 200);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The PIDs of a process's children (from /proc): PostgreSQL's backends and workers under its postmaster. */
function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start with state, then the parent PID.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/**
 * Freezes the e2e stack's own PostgreSQL (postmaster and every backend, by PID:
 * SIGSTOP) while `during` runs, and always thaws it (SIGCONT) afterwards.
 * A stopped server keeps its sockets open and answers nothing: a stalled database.
 */
export async function whilePostgresStalled<T>(during: () => Promise<T>): Promise<T> {
  const postmaster = Number(env('E2E_POSTGRES_PID'));
  const frozen = [postmaster, ...childPids(postmaster)];
  try {
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    return await during();
  } finally {
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // exited while stopped: nothing to thaw
      }
    }
  }
}

export const restartedPidsFile = (): string => join(env('E2E_LOG_DIR'), 'restarted.pids');

export const SPEC_TENANT = {
  name: 'Doe household',
  currency: 'EUR',
  members: [
    { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
    { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
  ],
  split: { mode: 'proportional' },
};
