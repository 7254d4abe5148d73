import { banner } from './banner';

describe('start banner', () => {
  const text = banner({
    gateway: 'http://127.0.0.1:3000',
    monitoring: 'http://127.0.0.1:3005',
    adminKey: 'dev-admin-key',
    demo: { id: 't-1', apiKey: 'llk_abc+/=' },
    month: '2026-12',
  });

  it('lists every place to look, with the demo key in the page URL', () => {
    expect(text).toContain('http://127.0.0.1:3000/demo?key=llk_abc%2B%2F%3D');
    expect(text).toContain('http://127.0.0.1:3000/docs');
    expect(text).toContain('http://127.0.0.1:3005/status');
    expect(text).toContain('dev-admin-key');
    expect(text).toContain('API key llk_abc+/=');
  });

  it('gives a two-line curl: one write, one read of the same month', () => {
    const curls = text.split('\n').filter((line) => line.trim().startsWith('curl '));
    expect(curls).toHaveLength(2);
    expect(curls[0]).toContain('/v1/transactions');
    expect(curls[0]).toContain('"date":"2026-12-01"');
    expect(curls[1]).toContain('/v1/dashboard/summary?month=2026-12');
  });
});
