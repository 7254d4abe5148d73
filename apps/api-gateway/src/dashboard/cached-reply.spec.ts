import type { RawReply } from '@ledgerline/messaging';
import { gzipSync } from 'node:zlib';
import { acceptsGzip, cachedAnswer, etagOf } from './cached-reply';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8', true],
    ['*', true],
    ['GZIP', true],
    ['gzip;q=0', false],
    ['br', false],
    ['identity', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('cachedAnswer', () => {
  const json = '{"month":"2026-03","total":"12.34"}';
  const gzipped = (): RawReply => ({ body: gzipSync(json), encoding: 'gzip', version: '7' });

  it('sends the stored gzip bytes to a client that accepts gzip, with the version and a weak ETag', () => {
    const raw = gzipped();
    const answer = cachedAnswer(raw, { 'accept-encoding': 'gzip, br' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(Buffer.from(raw.body));
    expect(answer.headers).toEqual({
      vary: 'accept-encoding',
      'cache-control': 'private, no-cache',
      etag: etagOf(raw),
      'ledgerline-version': '7',
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(etagOf(raw)).toMatch(/^W\/"7-[A-Za-z0-9_-]{22}"$/);
  });

  it('inflates the JSON for a client that does not accept gzip, under the same ETag', () => {
    const raw = gzipped();
    const answer = cachedAnswer(raw, { 'accept-encoding': 'br' });
    expect(answer.body?.toString('utf8')).toBe(json);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers.etag).toBe(cachedAnswer(raw, {}).headers.etag);
  });

  it('answers a current If-None-Match with a bodiless 304 that keeps the validators', () => {
    const raw = gzipped();
    const answer = cachedAnswer(raw, { 'if-none-match': `"other", ${etagOf(raw)}` });
    expect(answer).toEqual({
      status: 304,
      headers: { vary: 'accept-encoding', 'cache-control': 'private, no-cache', etag: etagOf(raw), 'ledgerline-version': '7' },
    });
    expect(cachedAnswer(raw, { 'if-none-match': '"other"' }).status).toBe(200);
  });

  it('builds each way of answering a reply once and never lets a caller change it', () => {
    const raw: RawReply = { body: Buffer.from(json), encoding: 'identity' };
    const first = cachedAnswer(raw, {});
    expect(cachedAnswer(raw, { 'accept-encoding': 'gzip' })).toBe(first);
    expect(first.headers['ledgerline-version']).toBeUndefined();
    expect(Object.isFrozen(first.headers)).toBe(true);
  });
});
