import { cachedRead, getSummary, invalidateCache, setFaultsOf, VERSION_HEADER, type Alert, type SloSnapshot } from '@ledgerline/contracts';
import { NatsBus } from '@ledgerline/messaging';
import { api, createTenant, e2e, eventually, killService, renderedDom, restartService, serviceEnv, SPEC_TENANT } from '@ledgerline/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

const MONTH = '2026-05';

/** The default consistency rule's shape (any miss pages) over windows of seconds, so the drill is quick. */
const DRILL_RULES = `
rules:
  - name: CacheConsistency
    kind: consistency
    objective: 0.999999
    for: 0s
    minSamples: 1
    windows:
      - { long: 1m, short: 6s, factor: 14.4, severity: critical }
  - name: FreshnessBudgetBurn
    kind: freshness
    objective: 0.99
    thresholdMs: 100
    for: 0s
    minSamples: 20
    windows:
      - { long: 1m, short: 6s, factor: 14.4, severity: critical }
`;

/** A fast auditor: tens of audits a second and a short grace, so a lost invalidation is found in a second. */
const AUDITOR_ENV = { CACHE_AUDIT_PER_SECOND: '20', CACHE_AUDIT_GRACE_MS: '200', FRESHNESS_FLUSH_MS: '200' };
const SKIP_INVALIDATIONS = [{ target: invalidateCache.subject, delayMs: 0, errorRate: 0, skip: true }];

describe('consistency drill: one cache-gateway skips invalidations, the auditor finds the stale entries and pages', () => {
  let reader: NatsBus;
  let tenantId: string;
  let key: string;

  beforeAll(async () => {
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'consistency-rules-')), 'rules.yaml');
    writeFileSync(rulesFile, DRILL_RULES);
    await killService('monitoring');
    await restartService('monitoring', { MONITORING_RULES_FILE: rulesFile, MONITORING_EVAL_INTERVAL_MS: '200' });
    await killService('cache-gateway');
    await restartService('cache-gateway', AUDITOR_ENV);

    const tenant = await createTenant(SPEC_TENANT);
    tenantId = tenant.id;
    key = tenant.apiKey;
    reader = await NatsBus.connect({
      url: serviceEnv('cache-gateway')['NATS_URL'] as string,
      name: 'consistency-drill-reader',
      requestTimeoutMs: 5_000,
      logger: pino({ level: 'silent' }),
    });
  }, 120_000);

  afterAll(async () => {
    await reader?.close();
    // The stack's own cache-gateway and monitoring back for the specs that follow.
    await killService('cache-gateway');
    await restartService('cache-gateway');
    await killService('monitoring');
    await restartService('monitoring');
  }, 120_000);

  const write = async (n: number): Promise<string> => {
    const res = await api<{ version: string }>('POST', '/v1/transactions', {
      key,
      body: { transactions: [{ date: `${MONTH}-0${1 + (n % 9)}`, amount: `${n}.00`, category: 'Groceries' }] },
    });
    expect(res.status).toBe(201);
    return res.body.version;
  };
  /** A reader of the cache-gateway: what it serves, and the version it says the figures reflect. */
  const readCached = async () => reader.requestRaw(cachedRead(getSummary), { tenantId, month: MONTH });
  /** A reader through the api-gateway (its near-cache first): the version its figures reflect. */
  const readHttp = async () => {
    const res = await api('GET', `/v1/dashboard/summary?month=${MONTH}`, { key });
    expect(res.status).toBe(200);
    return { version: res.headers.get(VERSION_HEADER) ?? undefined };
  };
  const readBoth = async () => {
    await readCached();
    await readHttp();
  };
  /** The drill's switch: the one cache-gateway replica's faults, set at runtime over NATS. */
  const setCacheGatewayFaults = (faults: typeof SKIP_INVALIDATIONS) => reader.request(setFaultsOf('cache-gateway'), { faults });
  const slo = async () => (await (await fetch(`${e2e.monitoringUrl()}/v1/slo?window=1m`)).json()) as SloSnapshot;
  const consistencyAlerts = async (state: string) =>
    (await api<{ alerts: Alert[] }>('GET', `/v1/monitoring/alerts?state=${state}`, { key: e2e.adminKey() })).body.alerts.filter(
      (a) => a.rule === 'CacheConsistency',
    );

  it('finds the stale entries with their keys and versions, fires the alert, and resolves once invalidations work again', async () => {
    const first = await write(1);
    const cached = await readCached();
    expect(cached.version).toBe(first);
    expect((await readHttp()).version).toBe(first); // now in the api-gateway's near-cache too

    // Fault on, at runtime: the invalidation of the next write is skipped (and confirmed to the writer).
    expect(await setCacheGatewayFaults(SKIP_INVALIDATIONS)).toMatchObject({ faults: SKIP_INVALIDATIONS });
    const second = await write(2);
    expect(BigInt(second)).toBeGreaterThan(BigInt(first));
    // The cache keeps the old figures, and so does the near-cache: the fan-out that would drop them never came.
    expect((await readCached()).version).toBe(first);
    expect((await readHttp()).version).toBe(first);

    const miss = await eventually(
      'the auditor to report the stale entry',
      async () => (await slo()).lastMisses.find((m) => m.key.includes(tenantId) && m.service === 'cache-gateway'),
      { tick: readBoth },
    );
    expect(miss).toMatchObject({
      service: 'cache-gateway',
      outcome: 'stale',
      entryVersion: first,
      sourceVersion: second,
      route: 'dashboard.summary',
    });
    expect(miss.ageMs).toBeGreaterThan(0);
    const nearMiss = await eventually(
      'the auditor to report the stale near-cache entry',
      async () => (await slo()).lastMisses.find((m) => m.key.includes(tenantId) && m.service === 'api-gateway'),
      { tick: readBoth },
    );
    expect(nearMiss).toMatchObject({
      level: 'near',
      outcome: 'stale',
      entryVersion: first,
      sourceVersion: second,
      route: 'dashboard.summary',
    });
    expect(nearMiss.ageMs).toBeGreaterThan(0);
    const consistency = (await slo()).consistency.find((c) => c.service === 'cache-gateway');
    expect(consistency?.misses).toBeGreaterThan(0);
    expect(consistency?.ratio).toBeLessThan(1);

    const [firing] = await eventually(
      'a firing consistency alert',
      async () => {
        const list = (await consistencyAlerts('firing')).filter((a) => a.summary.includes(miss.key));
        return list.length > 0 ? list : undefined;
      },
      { tick: readBoth },
    );
    if (!firing) throw new Error('unreachable');
    expect(firing.severity).toBe('critical');
    expect(firing.summary).toContain(miss.key);
    expect(firing.summary).toContain(`entry version ${first}, source version ${second}`);

    // The status page, as a real browser lays it out: both SLO charts and the miss with its key.
    const dom = await renderedDom(`${e2e.monitoringUrl()}/status`);
    expect(dom).toContain('Freshness and consistency');
    expect(dom).toContain('aria-label="cache-gateway · consistency (correct ÷ audited)"');
    expect(dom).toContain('aria-label="cache-gateway · freshness (commit → first served)"');
    expect(dom).toContain('Last consistency misses');
    expect(dom).toContain(miss.key);

    // Fault off, at runtime: the next write invalidates, and readers of both caches get fresh figures.
    expect(await setCacheGatewayFaults([])).toMatchObject({ faults: [] });
    const third = await write(3);
    const fresh = await eventually('fresh figures from the cache', async () => {
      const reply = await readCached();
      return reply.version === third ? reply : undefined;
    });
    expect(fresh.version).toBe(third);
    await eventually('fresh figures through the api-gateway', async () => ((await readHttp()).version === third ? true : undefined));
    expect((await readHttp()).version).toBe(third); // from the near-cache: its first serve there is measured

    await eventually(
      'the consistency alert to resolve',
      async () => ((await consistencyAlerts('resolved')).some((a) => a.id === firing.id) ? true : undefined),
      { tick: readBoth },
    );
    expect((await consistencyAlerts('firing')).filter((a) => a.id === firing.id)).toEqual([]);
  }, 300_000);

  it('measures commit → first served, and the exposure of every change it read', async () => {
    const freshness = (await slo()).freshness.find((f) => f.service === 'cache-gateway' && f.level === 'any');
    expect(freshness?.count).toBeGreaterThan(0);
    // Exposure is reported once a change settled (5 s after its commit).
    const exposure = await eventually('exposure samples', async () =>
      (await slo()).freshness.find((f) => f.service === 'cache-gateway' && f.level === 'exposure'),
    );
    expect(exposure.count).toBeGreaterThan(0);
    expect(exposure.thresholdMs).toBe(100);
    // The other stages beside it: commit → applied (aggregation), commit → first served from the near-cache.
    const applied = await eventually('apply lag samples', async () =>
      (await slo()).freshness.find((f) => f.service === 'aggregation' && f.level === 'applied'),
    );
    expect(applied.count).toBeGreaterThan(0);
    const near = await eventually('near-cache freshness samples', async () =>
      (await slo()).freshness.find((f) => f.service === 'api-gateway' && f.level === 'near'),
    );
    expect(near.count).toBeGreaterThan(0);
  }, 60_000);
});
