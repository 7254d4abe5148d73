import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Status = {
  id: string;
  status: string;
  rowsProcessed: number;
  accepted: number;
  duplicates: number;
  applied: boolean | null;
  errors: { line: number; field: string; message: string }[];
  errorCount: number;
};

describe('CSV imports through the gateway', () => {
  let key: string;
  let otherKey: string;

  /** Imports are limited per key (5 a minute by default): each upload comes with a fresh key of the same tenant. */
  const upload = async (csv: string, contentType = 'text/csv') => {
    const minted = await api<{ apiKey: string }>('POST', '/v1/tenant/keys', { key });
    return api<{ id: string }>('POST', '/v1/imports', { key: minted.body.apiKey, rawBody: csv, contentType });
  };

  async function finished(id: string): Promise<Status> {
    for (let i = 0; i < 200; i++) {
      const res = await api<Status>('GET', `/v1/imports/${id}`, { key });
      if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    otherKey = (await createTenant(SPEC_TENANT)).apiKey;
  });

  it('imports a quoted, BOM-prefixed CSV with columns in any order; the next read reflects it; a resend is all duplicates', async () => {
    const csv =
      '\ufeffcategory,amount,date,externalId,label,member,exclude,expenseType\r\n' +
      'Groceries,12.50,2026-06-01,csv-1,"Market, stall 4",m1,,\r\n' +
      'Groceries,-2.50,2026-06-02,csv-2,"Refund ""bottle""",m2,false,VARIABLE\r\n' +
      'Rent,800,2026-06-01,csv-3,"June\r\nrent",m1,,FIXED\r\n' +
      'Transfer,100.00,2026-06-03,csv-4,,m2,true,\r\n';
    const res = await upload(csv);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: expect.any(String), status: 'queued' });
    expect(await finished(res.body.id)).toMatchObject({
      status: 'succeeded',
      rowsProcessed: 4,
      accepted: 4,
      duplicates: 0,
      applied: true,
      errors: [],
    });

    const summary = await api<{ expenses: unknown }>('GET', '/v1/dashboard/summary?month=2026-06', { key });
    expect(summary.body.expenses).toEqual({ total: '810.00', fixed: '800.00', variable: '10.00', count: 3, excludedCount: 1 });
    const rows = await api<{ items: { label: string }[] }>('GET', '/v1/dashboard/drill-down/Rent?month=2026-06&level=transactions', {
      key,
    });
    expect(rows.body.items.map((i) => i.label)).toEqual(['June\r\nrent']);

    const again = await upload(csv);
    expect(await finished(again.body.id)).toMatchObject({ status: 'succeeded', accepted: 0, duplicates: 4 });
  });

  it('fails the whole file naming every bad line and field, and writes nothing', async () => {
    const csv = [
      'date,amount,category,member,month',
      '2026-07-01,10.00,Groceries,m1,',
      '2026-02-30,10.00,Groceries,m1,',
      '2026-07-02,1.234,,m9,',
      '"2026-07-03",5.00,Home,,2026-13',
      '2026-07-04,5.00',
    ].join('\n');
    const res = await upload(csv);
    const status = await finished(res.body.id);
    expect(status).toMatchObject({ status: 'failed', rowsProcessed: 5, accepted: 0, errorCount: 6 });
    expect(status.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'date'],
      [4, 'amount'],
      [4, 'category'],
      [4, 'member'],
      [5, 'month'],
      [6, '(row)'],
    ]);
    expect(status.errors).toContainEqual({ line: 3, field: 'date', message: 'must be a real calendar date YYYY-MM-DD' });
    expect(status.errors).toContainEqual({ line: 6, field: '(row)', message: 'has 2 cells; the header has 5' });
    const summary = await api<{ expenses: { count: number } }>('GET', '/v1/dashboard/summary?month=2026-07', { key });
    expect(summary.body.expenses.count).toBe(0);
  });

  it('reports a bad header and a malformed quote as file errors', async () => {
    const header = await finished((await upload('when,amount\n2026-01-01,1.00\n')).body.id);
    expect(header.status).toBe('failed');
    expect(header.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'when'],
      [1, 'date'],
      [1, 'category'],
    ]);
    const quote = await finished((await upload('date,amount,category\n2026-01-01,1.00,"open\n')).body.id);
    expect(quote).toMatchObject({ status: 'failed', errors: [{ field: '(file)' }] });
    const empty = await finished((await upload('')).body.id);
    expect(empty).toMatchObject({ status: 'failed', errors: [{ line: 1, field: '(file)' }] });
  });

  it('answers 415 for other content types, on imports and on the JSON batch route', async () => {
    expect((await upload('date,amount,category\n', 'application/octet-stream')).status).toBe(415);
    const csvToBatch = await api('POST', '/v1/transactions', { key, rawBody: 'date,amount\n', contentType: 'text/csv' });
    expect(csvToBatch.status).toBe(415);
  });

  it('never shows an import to another tenant', async () => {
    const res = await upload('date,amount,category\n2026-01-01,1.00,Home\n');
    await finished(res.body.id);
    expect((await api('GET', `/v1/imports/${res.body.id}`, { key: otherKey })).status).toBe(404);
  });
});
