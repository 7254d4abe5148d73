import type { Alert, PerformanceSnapshot, RouteLatency } from '@ledgerline/contracts';
import { api, e2e } from '@ledgerline/testing';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Every k6 suite, smoke-run through the harness against the e2e stack: a suite
 * that breaks against the API fails here. Latency thresholds are reported, not
 * enforced (no wall-clock thresholds in tests); checks, exceptions and every
 * other threshold (failure rates, read-your-writes) are enforced.
 */
const ROOT = resolve(__dirname, '../..');
const SUITES_DIR = join(ROOT, 'load-tests/k6');
const HARNESS = join(ROOT, 'dist/load-tests/k6-harness/run.js');
const SUITES = readdirSync(SUITES_DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort();
/** Profiles of the traffic suite beyond its default (smoke): each run proves its scenario config and exec. */
const TRAFFIC_PROFILES = ['load', 'stress', 'spike', 'soak'];
const summaries = mkdtempSync(join(tmpdir(), 'k6-summaries-'));

interface Run {
  code: number | null;
  output: string;
}

function harness(suite: string, args: string[] = []): Promise<Run> {
  const env = ['TENANTS=2', 'KEYS_PER_TENANT=2', 'MONTHS=3', 'SEED_ROWS=20', 'IMPORT_ROWS=20', `SUMMARY_DIR=${summaries}`];
  const child = spawn(process.execPath, [HARNESS, suite, '--timing-thresholds', 'report', ...env.flatMap((e) => ['-e', e]), ...args], {
    env: { ...process.env, BASE_URL: e2e.gatewayUrl(), ADMIN_API_KEY: e2e.adminKey() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Bounded like everything a test starts: a hung run is killed (by its own PID) before the test gives up.
  const limit = setTimeout(() => child.kill('SIGKILL'), 100_000);
  return new Promise((done) =>
    child.on('close', (code) => {
      clearTimeout(limit);
      done({ code, output });
    }),
  );
}

describe('k6 suites, smoke-run through the harness against the stack', () => {
  it('finds the suites', () => {
    expect(existsSync(HARNESS)).toBe(true);
    expect(SUITES).toEqual(expect.arrayContaining(['smoke.ts', 'traffic.ts', 'freshness.ts', 'ingest.ts']));
  });

  it.each(SUITES)(
    '%s passes every check, with a JSON summary and JUnit XML',
    async (suite) => {
      const run = await harness(join(SUITES_DIR, suite));
      expect(run.output).toContain('every check passed, no exception, no threshold crossed');
      expect(run.code).toBe(0);
      const name = suite === 'traffic.ts' ? 'traffic-smoke' : suite.replace(/\.ts$/, '');
      const summary = JSON.parse(readFileSync(join(summaries, `${name}.json`), 'utf8')) as {
        metrics: Record<string, { values: Record<string, number> }>;
      };
      expect(summary.metrics['http_reqs']?.values['count']).toBeGreaterThan(0);
      expect(summary.metrics['http_req_failed']?.values['rate']).toBe(0);
      const junit = readFileSync(join(summaries, `${name}.junit.xml`), 'utf8');
      expect(junit).toMatch(/^<\?xml[^>]*>\n<testsuites [^>]*failures="\d+"/);
      expect(junit).toContain('.checks" name="');
    },
    120_000,
  );

  it.each(TRAFFIC_PROFILES)(
    'traffic.ts SCENARIO=%s runs its mix',
    async (profile) => {
      const run = await harness(join(SUITES_DIR, 'traffic.ts'), ['-e', `SCENARIO=${profile}`, '--iterations', '3']);
      expect(run.output).toContain(`${profile} (`);
      expect(run.output).toContain('every check passed');
      expect(run.code).toBe(0);
    },
    120_000,
  );

  it('fails a suite whose check fails, and one that throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-broken-'));
    writeFileSync(
      join(dir, 'broken-check.mts'),
      `import http from 'k6/http';\nimport { check } from 'k6';\n` +
        `export default function () { check(http.get(__ENV.BASE_URL + '/v1/no-such-route'), { 'is 200': (r) => r.status === 200 }); }\n`,
    );
    writeFileSync(join(dir, 'throws.mts'), `export default function () { JSON.parse('{'); }\n`);
    const broken = await harness(join(dir, 'broken-check.mts'));
    expect(broken.output).toContain('FAILED CHECK ::is 200');
    expect(broken.code).toBe(1);
    const throws = await harness(join(dir, 'throws.mts'));
    expect(throws.output).toContain('SyntaxError');
    expect(throws.code).toBe(107);
  }, 60_000);
});

describe('synthetic traffic never burns the real error budget', () => {
  const STATS = 'GET /v1/dashboard/stats';
  const performance = async () =>
    (await api<PerformanceSnapshot>('GET', '/v1/monitoring/performance?window=1h', { key: e2e.adminKey() })).body;
  const errorsOf = (routes: RouteLatency[] | undefined) =>
    Math.round(
      (routes ?? []).filter((r) => r.service === 'api-gateway' && r.route === STATS).reduce((n, r) => n + r.errorRate * r.count, 0),
    );

  afterAll(async () => {
    await api('DELETE', '/v1/monitoring/faults', { key: e2e.adminKey() });
  });

  it('a k6 smoke run whose stats reads all fail (injected 503s) counts in the synthetic view only', async () => {
    const before = await performance();
    const iterations = 25; // past the rules' minSamples (20), so the rules would judge these requests if they saw them
    expect(
      (await api('PUT', '/v1/monitoring/faults', { key: e2e.adminKey(), body: { faults: [{ target: STATS, errorRate: 1 }] } })).status,
    ).toBe(200);
    const run = await harness(join(SUITES_DIR, 'smoke.ts'), ['-e', `ITERATIONS=${iterations}`, '--iterations', String(iterations)]);
    expect((await api('DELETE', '/v1/monitoring/faults', { key: e2e.adminKey() })).status).toBe(204);
    // The drill did break the run, as it should.
    expect(run.output).toContain(`FAILED CHECK ::dashboard reads::stats: 200 (${iterations} of ${iterations})`);

    let after = await performance();
    for (let i = 0; i < 100 && errorsOf(after.synthetic?.routes) - errorsOf(before.synthetic?.routes) < iterations; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await performance();
    }
    expect(errorsOf(after.synthetic?.routes) - errorsOf(before.synthetic?.routes)).toBe(iterations);
    // The real budget: not one of those errors.
    expect(errorsOf(after.routes)).toBe(errorsOf(before.routes));
    // The baggage crossed NATS: services behind the gateway tagged their spans too.
    expect(after.synthetic?.routes.some((r) => r.service !== 'api-gateway')).toBe(true);
    const alerts = (await api<{ alerts: Alert[] }>('GET', '/v1/monitoring/alerts', { key: e2e.adminKey() })).body.alerts;
    expect(alerts.filter((a) => a.labels['route'] === STATS)).toEqual([]);
  }, 120_000);
});
