import { api, createTenant, SPEC_TENANT } from '@ledgerline/testing';

type Task = {
  id: string;
  type: string;
  status: string;
  progress: number;
  result: Record<string, unknown> | null;
  error: string | null;
  finishedAt: string | null;
};

describe('background tasks and exports through the gateway', () => {
  let key: string;
  let otherKey: string;

  async function settled(taskId: string): Promise<Task> {
    for (let i = 0; i < 200; i++) {
      const res = await api<Task>('GET', `/v1/tasks/${taskId}`, { key });
      if (!['queued', 'running'].includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`task ${taskId} did not finish`);
  }

  beforeAll(async () => {
    key = (await createTenant(SPEC_TENANT)).apiKey;
    otherKey = (await createTenant(SPEC_TENANT)).apiKey;
    const transactions = [
      { date: '2026-04-02', amount: '10.00', category: 'Home', label: 'Lamp, "big"', member: 'm1' },
      { date: '2026-04-03', amount: '-2.50', category: 'Home' },
      { date: '2026-05-01', amount: '800.00', category: 'Rent', expenseType: 'FIXED', exclude: true },
    ];
    expect((await api('POST', '/v1/transactions', { key, body: { transactions } })).status).toBe(201);
  });

  it('rebuilds a month as a task: 202 with a task id, then succeeded with its result', async () => {
    const res = await api<{ taskId: string }>('POST', '/v1/dashboard/refresh-async?month=2026-04', { key });
    expect(res.status).toBe(202);
    const task = await settled(res.body.taskId);
    expect(task).toMatchObject({
      type: 'refresh',
      status: 'succeeded',
      progress: 1,
      error: null,
      result: { month: '2026-04', rowsRead: 2 },
    });
    expect(task.finishedAt).toEqual(expect.any(String));
  });

  it('exports CSV and JSON, streamed and downloadable, excluded rows included', async () => {
    const csvTask = await api<{ taskId: string }>('POST', '/v1/exports', { key, body: { from: '2026-04', to: '2026-05', format: 'csv' } });
    expect(csvTask.status).toBe(202);
    expect(await settled(csvTask.body.taskId)).toMatchObject({ type: 'export', status: 'succeeded', result: { rows: 3, format: 'csv' } });
    const csv = await api<string>('GET', `/v1/exports/${csvTask.body.taskId}/download`, { key });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,externalId,date,month,label,amount,category,subcategory,expenseType,member,exclude');
    expect(lines.slice(1).map((l) => l.split(',').slice(2).join(','))).toEqual([
      '2026-04-02,2026-04,"Lamp, ""big""",10.00,Home,Other,VARIABLE,m1,false',
      '2026-04-03,2026-04,,-2.50,Home,Other,VARIABLE,,false',
      '2026-05-01,2026-05,,800.00,Rent,Other,FIXED,,true',
    ]);

    const jsonTask = await api<{ taskId: string }>('POST', '/v1/exports', {
      key,
      body: { from: '2026-05', to: '2026-05', format: 'json' },
    });
    await settled(jsonTask.body.taskId);
    const json = await api<unknown[]>('GET', `/v1/exports/${jsonTask.body.taskId}/download`, { key });
    expect(json.body).toEqual([expect.objectContaining({ date: '2026-05-01', amount: '800.00', exclude: true, externalId: null })]);
  });

  it('lists the tenant’s tasks newest first and keeps them from other tenants', async () => {
    const list = await api<{ tasks: Task[] }>('GET', '/v1/tasks', { key });
    expect(list.body.tasks.map((t) => t.type)).toEqual(['export', 'export', 'refresh']);
    const id = list.body.tasks[0]?.id as string;
    expect((await api('GET', `/v1/tasks/${id}`, { key: otherKey })).status).toBe(404);
    expect((await api('GET', `/v1/exports/${id}/download`, { key: otherKey })).status).toBe(404);
    expect((await api<{ tasks: Task[] }>('GET', '/v1/tasks', { key: otherKey })).body.tasks).toEqual([]);
  });

  it('refuses to cancel a finished task, to download a refresh, and an inverted range', async () => {
    const list = await api<{ tasks: Task[] }>('GET', '/v1/tasks', { key });
    const refresh = list.body.tasks.find((t) => t.type === 'refresh') as Task;
    const cancel = await api('POST', `/v1/tasks/${refresh.id}/cancel`, { key });
    expect(cancel.status).toBe(409);
    expect((await api('GET', `/v1/exports/${refresh.id}/download`, { key })).status).toBe(404);
    const bad = await api<{ errors: unknown[] }>('POST', '/v1/exports', { key, body: { from: '2026-05', to: '2026-04', format: 'xml' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: 'format', message: 'must be csv or json' },
      { field: 'to', message: 'must not be before from' },
    ]);
  });
});
