import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Problem = { status: number; type: string; errors: { field: string; message: string }[] };
type Line = Record<string, unknown> & { id: string };

const holidays = {
  name: 'Holidays',
  kind: 'percent',
  percent: '5',
  base: 'household',
  split: { mode: 'household' },
  target: '3000.00',
  saved: '450.00',
  active: true,
  startMonth: '2026-01',
  endMonth: null,
};
const carInsurance = {
  name: 'Car insurance',
  category: 'Insurance',
  amount: '540.00',
  frequency: 'yearly',
  split: { mode: 'equal' },
  active: true,
};

describe('fixed lines and provisions through the gateway', () => {
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    otherKey = (await createTenant({ ...SPEC_TENANT, name: 'Other household' })).apiKey;
  });

  it('reproduces the SPEC appendix provision calculation to the cent', async () => {
    const created = await api<Line>('POST', '/v1/provisions', { key, body: holidays });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...holidays, amount: null, id: expect.any(String) });

    const calc = await api('GET', '/v1/provisions/calculate?month=2026-10', { key });
    expect(calc.status).toBe(200);
    expect(calc.body).toEqual({
      month: '2026-10',
      householdNet: '5558.00',
      provisions: [
        {
          id: created.body.id,
          name: 'Holidays',
          monthlyAmount: '277.90',
          shares: [
            { member: 'm1', amount: '163.80' },
            { member: 'm2', amount: '114.10' },
          ],
          target: '3000.00',
          saved: '450.00',
          progress: '15.0',
          monthsToTarget: 10,
        },
      ],
      totals: {
        total: '277.90',
        members: [
          { member: 'm1', amount: '163.80' },
          { member: 'm2', amount: '114.10' },
        ],
      },
    });

    const before = await api<{ provisions: unknown[] }>('GET', '/v1/provisions/calculate?month=2025-12', { key });
    expect(before.body.provisions).toEqual([]);
  });

  it('creates, lists, patches and deletes a fixed line; monthly equivalent of 540.00 yearly is 45.00', async () => {
    const created = await api<Line>('POST', '/v1/fixed-lines', { key, body: carInsurance });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...carInsurance, monthlyAmount: '45.00', startMonth: null, endMonth: null });
    const id = created.body.id;

    const list = await api<{ fixedLines: Line[] }>('GET', '/v1/fixed-lines', { key });
    expect(list.body.fixedLines.map((l) => l.id)).toContain(id);

    const patched = await api<Line>('PATCH', `/v1/fixed-lines/${id}`, { key, body: { amount: '100.00', frequency: 'quarterly' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Car insurance', amount: '100.00', monthlyAmount: '33.33' });
    expect((await api('GET', `/v1/fixed-lines/${id}`, { key })).body).toEqual(patched.body);

    expect((await api('DELETE', `/v1/fixed-lines/${id}`, { key })).status).toBe(204);
    expect((await api('GET', `/v1/fixed-lines/${id}`, { key })).status).toBe(404);
    expect((await api('DELETE', `/v1/fixed-lines/${id}`, { key })).status).toBe(404);
  });

  it('switches a provision from percent to fixed with one patch', async () => {
    const { body } = await api<Line>('POST', '/v1/provisions', { key, body: { ...holidays, name: 'Switch' } });
    const res = await api<Line>('PATCH', `/v1/provisions/${body.id}`, { key, body: { kind: 'fixed', amount: '100.00' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'fixed', amount: '100.00', percent: null, base: null, target: '3000.00' });
    expect((await api('DELETE', `/v1/provisions/${body.id}`, { key })).status).toBe(204);
  });

  it('rejects unknown members, bad manual shares and an inverted month range with every field listed', async () => {
    const res = await api<Problem>('POST', '/v1/provisions', {
      key,
      body: {
        ...holidays,
        base: 'm9',
        split: { mode: 'manual', shares: { m1: '0.7', m2: '0.2' } },
        startMonth: '2026-05',
        endMonth: '2026-04',
      },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e) => e.field)).toEqual(['split.shares', 'endMonth']);

    const unknown = await api<Problem>('POST', '/v1/fixed-lines', {
      key,
      body: { ...carInsurance, split: { mode: 'member', member: 'm9' } },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'split.member', message: 'unknown member "m9"' }]);

    const base = await api<Problem>('POST', '/v1/provisions', { key, body: { ...holidays, base: 'm9' } });
    expect(base.status).toBe(422);
    expect(base.body.errors).toEqual([{ field: 'base', message: 'unknown member "m9"' }]);

    const { body: line } = await api<Line>('POST', '/v1/fixed-lines', { key, body: { ...carInsurance, startMonth: '2026-03' } });
    const patch = await api<Problem>('PATCH', `/v1/fixed-lines/${line.id}`, { key, body: { endMonth: '2026-02' } });
    expect(patch.status).toBe(422);
    expect(patch.body.errors).toEqual([{ field: 'endMonth', message: 'must not be before startMonth' }]);
    expect((await api<Line>('GET', `/v1/fixed-lines/${line.id}`, { key })).body).toMatchObject({ startMonth: '2026-03', endMonth: null });
  });

  it('never shows or changes another tenant’s lines', async () => {
    const { body: line } = await api<Line>('POST', '/v1/fixed-lines', { key, body: carInsurance });
    const { body: provision } = await api<Line>('POST', '/v1/provisions', { key, body: holidays });
    for (const path of [`/v1/fixed-lines/${line.id}`, `/v1/provisions/${provision.id}`]) {
      expect((await api('GET', path, { key: otherKey })).status).toBe(404);
      expect((await api('PATCH', path, { key: otherKey, body: { name: 'stolen' } })).status).toBe(404);
      expect((await api('DELETE', path, { key: otherKey })).status).toBe(404);
    }
    expect((await api<{ fixedLines: unknown[] }>('GET', '/v1/fixed-lines', { key: otherKey })).body.fixedLines).toEqual([]);
    expect((await api<Line>('GET', `/v1/fixed-lines/${line.id}`, { key })).body.name).toBe('Car insurance');
  });

  it('validates the month and ids', async () => {
    const month = await api<Problem>('GET', '/v1/provisions/calculate?month=2026-13', { key });
    expect(month.status).toBe(422);
    expect(month.body.errors).toEqual([{ field: 'month', message: 'must be a month YYYY-MM' }]);
    expect((await api('GET', '/v1/provisions/calculate', { key })).status).toBe(422);
    // A malformed id names no resource: 404, like an unknown one.
    expect((await api('GET', '/v1/provisions/not-a-uuid', { key })).status).toBe(404);
    expect((await api('GET', '/v1/fixed-lines', {})).status).toBe(401);
  });
});
