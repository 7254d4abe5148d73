import { api, createTenant, e2e, killService, restartService, SPEC_TENANT } from '@ledgerline/testing';
import { randomBytes } from 'node:crypto';

const PROBLEM = 'application/problem+json';

describe('tenants through the gateway', () => {
  it('creates a tenant with the admin key and shows the key once', async () => {
    const res = await api<Record<string, unknown>>('POST', '/v1/tenants', { key: e2e.adminKey(), body: SPEC_TENANT });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Doe household',
      currency: 'EUR',
      members: [
        { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22' },
        { id: 'm2', name: 'Sam', monthlyRevenue: '2800.00', taxRate: '18.5' },
      ],
      split: { mode: 'proportional' },
      apiKey: expect.stringMatching(/^ll_[0-9A-Za-z]{32}$/),
    });

    const read = await api<Record<string, unknown>>('GET', '/v1/tenant', { key: res.body.apiKey as string });
    expect(read.status).toBe(200);
    const { apiKey: _shownOnce, ...withoutKey } = res.body;
    expect(read.body).toEqual(withoutKey);
    expect(read.body).not.toHaveProperty('apiKey');
  });

  it('normalises amounts, rates and shares and applies a patch', async () => {
    const tenant = await createTenant({
      ...SPEC_TENANT,
      members: [
        { id: 'm1', name: 'Alex', monthlyRevenue: 4200, taxRate: 22.5 },
        { id: 'm2', name: 'Sam', monthlyRevenue: '2800.5', taxRate: '18.50' },
      ],
    });
    expect(tenant.body.members).toEqual([
      { id: 'm1', name: 'Alex', monthlyRevenue: '4200.00', taxRate: '22.5' },
      { id: 'm2', name: 'Sam', monthlyRevenue: '2800.50', taxRate: '18.5' },
    ]);

    const patched = await api<Record<string, unknown>>('PATCH', '/v1/tenant', {
      key: tenant.apiKey,
      body: { name: 'Renamed', split: { mode: 'manual', shares: { m1: '0.70', m2: '0.3' } } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: tenant.id, name: 'Renamed', split: { mode: 'manual', shares: { m1: '0.7', m2: '0.3' } } });
    expect((await api<Record<string, unknown>>('GET', '/v1/tenant', { key: tenant.apiKey })).body).toEqual(patched.body);
  });

  it('answers 409 when a removed member is still named by the manual split, and changes nothing', async () => {
    const tenant = await createTenant({ ...SPEC_TENANT, split: { mode: 'manual', shares: { m1: '0.6', m2: '0.4' } } });
    const res = await api<{ errors: { field: string; message: string }[] }>('PATCH', '/v1/tenant', {
      key: tenant.apiKey,
      body: { members: [{ id: 'm1', name: 'Alex', monthlyRevenue: '1.00', taxRate: '0' }] },
    });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ field: 'split.shares.m2', message: 'member "m2" is named by the tenant\'s manual split' }]);
    const read = await api<{ members: unknown[] }>('GET', '/v1/tenant', { key: tenant.apiKey });
    expect(read.body.members).toHaveLength(2);
  });

  it('answers 409 listing every fixed line, provision and transaction that still names a removed member; nothing changes', async () => {
    const members = [
      ...SPEC_TENANT.members,
      { id: 'm3', name: 'Kim', monthlyRevenue: '1000.00', taxRate: '10' },
      { id: 'm4', name: 'Lou', monthlyRevenue: '900.00', taxRate: '10' },
    ];
    const tenant = await createTenant({ ...SPEC_TENANT, members });
    const key = tenant.apiKey;
    const line = await api<{ id: string }>('POST', '/v1/fixed-lines', {
      key,
      body: {
        name: 'Rent',
        category: 'Housing',
        amount: '900.00',
        frequency: 'monthly',
        split: { mode: 'member', member: 'm2' },
        active: true,
      },
    });
    expect(line.status).toBe(201);
    const provision = await api<{ id: string }>('POST', '/v1/provisions', {
      key,
      body: {
        name: 'Car',
        kind: 'percent',
        percent: '5',
        base: 'm3',
        split: { mode: 'manual', shares: { m2: '0.5', m3: '0.5' } },
        target: '3000.00',
        saved: '0.00',
        active: true,
      },
    });
    expect(provision.status).toBe(201);
    const rows = [1, 2].map((i) => ({ date: '2026-10-05', amount: '10.00', category: 'Food', member: 'm3', externalId: `ref-${i}` }));
    expect((await api('POST', '/v1/transactions', { key, body: { transactions: rows } })).status).toBe(201);

    const keep = members.filter((m) => m.id === 'm1');
    const res = await api<{ type: string; errors: { field: string; message: string }[] }>('PATCH', '/v1/tenant', {
      key,
      body: { members: keep },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect(res.body.type).toBe('https://ledgerline.dev/problems/conflict');
    expect(res.body.errors.map((e) => e.message)).toEqual([
      `member "m2" is named by fixed line ${line.body.id} ("Rent")`,
      `member "m2" is named by the split of provision ${provision.body.id} ("Car")`,
      `member "m3" is named by the split of provision ${provision.body.id} ("Car")`,
      `member "m3" is named by the base of provision ${provision.body.id} ("Car")`,
      'member "m3" is named by 2 transactions',
    ]);
    expect((await api<{ members: unknown[] }>('GET', '/v1/tenant', { key })).body.members).toHaveLength(4);

    // m4 is named by nothing: removing it alone goes through.
    const removable = await api<{ members: { id: string }[] }>('PATCH', '/v1/tenant', { key, body: { members: members.slice(0, 3) } });
    expect(removable.status).toBe(200);
    expect(removable.body.members.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
  });

  it('lists every invalid field of a tenant body in one 422 problem', async () => {
    const res = await api<Record<string, unknown>>('POST', '/v1/tenants', {
      key: e2e.adminKey(),
      body: {
        name: '',
        currency: 'euro',
        members: [
          { id: 'm1', name: 'Alex', monthlyRevenue: '-1.00', taxRate: '101' },
          { id: 'm1', name: 'Sam', monthlyRevenue: '10.001', taxRate: '18.555' },
        ],
        split: { mode: 'manual', shares: { m1: '0.5', m3: '0.4' } },
      },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain(PROBLEM);
    expect(res.body).toMatchObject({ type: 'https://ledgerline.dev/problems/validation-failed', title: 'Validation failed', status: 422 });
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(
      [
        'name',
        'currency',
        'members[0].monthlyRevenue',
        'members[0].taxRate',
        'members[1].monthlyRevenue',
        'members[1].taxRate',
        'members[1].id',
        'split.shares.m3',
        'split.shares',
      ].sort(),
    );
    expect(res.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('answers 401 without a key or with an unknown key, 403 with the wrong kind of key', async () => {
    const tenant = await createTenant(SPEC_TENANT);
    const none = await api('POST', '/v1/tenants', { body: SPEC_TENANT });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain(PROBLEM);
    expect((await api('POST', '/v1/tenants', { key: 'not-the-admin-key', body: SPEC_TENANT })).status).toBe(401);
    expect((await api('POST', '/v1/tenants', { key: tenant.apiKey, body: SPEC_TENANT })).status).toBe(403);
    expect((await api('GET', '/v1/tenant', { key: `ll_${'x'.repeat(32)}` })).status).toBe(401);
    expect((await api('GET', '/v1/tenant', { key: e2e.adminKey() })).status).toBe(403);
    expect((await api('GET', '/v1/tenant')).status).toBe(401);
  });

  it('answers 400 for malformed JSON, 415 for other content types, 404 for unknown routes', async () => {
    const malformed = await api<Record<string, unknown>>('POST', '/v1/tenants', { key: e2e.adminKey(), rawBody: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('https://ledgerline.dev/problems/malformed-request');
    const csv = await api('POST', '/v1/tenants', { key: e2e.adminKey(), rawBody: 'name\nx', contentType: 'text/plain' });
    expect(csv.status).toBe(415);
    expect(csv.headers.get('content-type')).toContain(PROBLEM);
    const missing = await api<Record<string, unknown>>('GET', '/v1/nothing-here', { key: e2e.adminKey() });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('https://ledgerline.dev/problems/not-found');
  });

  it('mints, lists and revokes keys; a revoked key stops working', async () => {
    const tenant = await createTenant(SPEC_TENANT);
    const minted = await api<{ id: string; apiKey: string; prefix: string }>('POST', '/v1/tenant/keys', { key: tenant.apiKey });
    expect(minted.status).toBe(201);
    expect(minted.body.apiKey.startsWith(minted.body.prefix)).toBe(true);
    const list = await api<{ keys: { id: string; prefix: string; revokedAt: string | null }[] }>('GET', '/v1/tenant/keys', {
      key: minted.body.apiKey,
    });
    expect(list.body.keys).toHaveLength(2);
    expect(list.text).not.toContain(minted.body.apiKey);
    expect((await api('DELETE', `/v1/tenant/keys/${minted.body.id}`, { key: tenant.apiKey })).status).toBe(204);
    // Key lookups are cached for at most 1 s: revocation takes effect within that bound.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await api('GET', '/v1/tenant', { key: minted.body.apiKey })).status).toBe(401);
    expect((await api('DELETE', `/v1/tenant/keys/${minted.body.id}`, { key: tenant.apiKey })).status).toBe(404);
  });

  it('lets the admin mint a key for a tenant that revoked its last one: 201 once, 404 unknown tenant, 403 tenant key', async () => {
    const tenant = await createTenant(SPEC_TENANT);
    const current = await api<{ id: string }>('GET', '/v1/tenant/keys/current', { key: tenant.apiKey });
    expect((await api('DELETE', `/v1/tenant/keys/${current.body.id}`, { key: tenant.apiKey })).status).toBe(204);

    const recovered = await api<{ id: string; prefix: string; apiKey: string }>('POST', `/v1/tenants/${tenant.id}/keys`, {
      key: e2e.adminKey(),
    });
    expect(recovered.status).toBe(201);
    expect(recovered.body).toEqual({
      id: expect.any(String),
      prefix: expect.any(String),
      apiKey: expect.stringMatching(/^ll_[0-9A-Za-z]{32}$/),
    });
    const read = await api<{ id: string }>('GET', '/v1/tenant', { key: recovered.body.apiKey });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(tenant.id);
    const keys = await api<{ keys: { id: string }[] }>('GET', '/v1/tenant/keys', { key: recovered.body.apiKey });
    expect(keys.text).not.toContain(recovered.body.apiKey);

    const unknown = await api('POST', '/v1/tenants/00000000-0000-4000-8000-000000000000/keys', { key: e2e.adminKey() });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain(PROBLEM);
    expect((await api('POST', `/v1/tenants/${tenant.id}/keys`, { key: recovered.body.apiKey })).status).toBe(403);
  });

  it('carries one trace id from the gateway span to the provisions span', async () => {
    const tenant = await createTenant(SPEC_TENANT);
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    expect((await api('GET', '/v1/tenant', { key: tenant.apiKey, headers: { traceparent } })).status).toBe(200);

    let services: string[] = [];
    for (let attempt = 0; attempt < 50 && !(services.includes('api-gateway') && services.includes('provisions')); attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${e2e.monitoringUrl()}/v1/traces/${traceId}`);
      if (res.ok) services = ((await res.json()) as { spans: { service: string }[] }).spans.map((s) => s.service);
    }
    expect(services).toEqual(expect.arrayContaining(['api-gateway', 'provisions']));
  });

  describe('with the provisions service stopped', () => {
    it('answers 503 problem with Retry-After within the request timeout, then recovers', async () => {
      const tenant = await createTenant(SPEC_TENANT);
      await killService('provisions');
      const started = Date.now();
      const res = await api<Record<string, unknown>>('GET', '/v1/tenant', { key: tenant.apiKey });
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(res.headers.get('content-type')).toContain(PROBLEM);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.type).toBe('https://ledgerline.dev/problems/service-unavailable');

      await restartService('provisions');
      expect((await api('GET', '/v1/tenant', { key: tenant.apiKey })).status).toBe(200);
    });
  });
});
