import { e2e, renderedDom } from '@ledgerline/testing';
import { randomBytes } from 'node:crypto';

const nanos = (ms: number) => String(BigInt(Date.now() - 1_000) * 1_000_000n + BigInt(ms * 1_000_000));

describe('status page in headless Chromium', () => {
  const traceId = randomBytes(16).toString('hex');

  beforeAll(async () => {
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const span = (spanId: string, parentSpanId: string, name: string, start: number, end: number, kind: number, attributes: object[]) => ({
      traceId,
      spanId,
      parentSpanId,
      name,
      kind,
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(end),
      attributes,
    });
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', 'status-probe')] },
          scopeSpans: [
            {
              spans: [
                span('0000000000000001', '', 'GET /v1/probe/{id}', 0, 120, 2, [
                  attr('http.route', '/v1/probe/{id}'),
                  attr('http.method', 'GET'),
                ]),
                span('0000000000000002', '0000000000000001', 'SELECT <probe>', 10, 90, 3, [attr('db.system', 'postgresql')]),
                span('0000000000000003', '0000000000000002', 'pg.connect', 10, 20, 3, []),
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(`${e2e.monitoringUrl()}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`ingest failed: ${res.status}`);
  }, 30_000);

  it('lays out the exemplar waterfall: one bar per span, names escaped', async () => {
    const dom = await renderedDom(`${e2e.monitoringUrl()}/status/traces/${traceId}`);
    expect(dom.match(/<rect /g)).toHaveLength(3);
    expect(dom).toContain('status-probe: SELECT &lt;probe&gt;');
    expect(dom).toContain('<svg');
  }, 90_000);

  it('shows the route the spans came from with its exemplar link', async () => {
    const dom = await renderedDom(`${e2e.monitoringUrl()}/status`);
    expect(dom).toContain('Current alerts');
    expect(dom).toContain('GET /v1/probe/{id}');
    expect(dom).toContain(`href="/status/traces/${traceId}"`);
  }, 90_000);
});
