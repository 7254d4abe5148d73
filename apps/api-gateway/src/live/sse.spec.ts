import { liveEventData, sseComment, sseEvent, sseRetry } from './sse';

describe('SSE framing', () => {
  it('frames an event with its name, id and one data line, ended by a blank line', () => {
    expect(sseEvent('update', '42', '{"a":1}')).toBe('event: update\nid: 42\ndata: {"a":1}\n\n');
  });

  it('leaves the id out when there is none, so the client keeps its resume point', () => {
    expect(sseEvent('closed', undefined, '{}')).toBe('event: closed\ndata: {}\n\n');
  });

  it('splits multi-line data into one data line per line', () => {
    expect(sseEvent('snapshot', '1', 'a\nb\r\nc')).toBe('event: snapshot\nid: 1\ndata: a\ndata: b\ndata: c\n\n');
  });

  it('refuses line breaks in the event name or id (they would forge fields)', () => {
    expect(() => sseEvent('update\ndata: x', '1', '{}')).toThrow();
    expect(() => sseEvent('update', '1\nid: 2', '{}')).toThrow();
  });

  it('writes comments and retry hints', () => {
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseComment('a\nb')).toBe(': a b\n\n');
    expect(sseRetry(1500)).toBe('retry: 1500\n\n');
  });

  it('splices the body JSON into the event data as is', () => {
    const data = liveEventData('summary', '2026-03', '17', '{"expenses":{"total":"12.50"}}');
    expect(JSON.parse(data)).toEqual({ view: 'summary', month: '2026-03', version: '17', body: { expenses: { total: '12.50' } } });
  });
});
