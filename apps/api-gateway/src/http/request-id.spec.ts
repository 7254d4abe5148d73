import { requestId } from './request-id';

describe('request ids', () => {
  it('echoes a sane incoming id', () => {
    expect(requestId('abc-123.x:y_z')).toBe('abc-123.x:y_z');
    expect(requestId(['first', 'second'])).toBe('first');
  });

  it('replaces missing, oversized or unprintable ids with a UUID', () => {
    for (const bad of [undefined, '', 'x'.repeat(129), 'a b', 'evil\r\nSet-Cookie: x', '<script>']) {
      expect(requestId(bad)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
