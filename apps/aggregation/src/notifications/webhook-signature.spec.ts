import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signature', () => {
  const body = '{"type":"budget.threshold","state":"warning"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> keyed by the secret', () => {
    const expected = createHmac('sha256', 'whsec_test').update(`1764547200.${body}`).digest('hex');
    expect(signatureHeader('whsec_test', body, 1764547200)).toBe(`t=1764547200,v1=${expected}`);
    // A vector computed with `openssl dgst -sha256 -hmac whsec_test`, so a change of the scheme can't pass unnoticed.
    expect(signatureHeader('whsec_test', '{"a":1}', 1764547200)).toBe(
      't=1764547200,v1=b6f2143a1a033b1cc7ccfdd67886f1bf023858b48bf2d18ef7d9cb2ddacabe0e',
    );
  });

  it('verifies its own signature and refuses another body, secret or timestamp', () => {
    const header = signatureHeader('whsec_a', body, 1764547200);
    expect(verifySignature('whsec_a', body, header)).toBe(true);
    expect(verifySignature('whsec_b', body, header)).toBe(false);
    expect(verifySignature('whsec_a', `${body} `, header)).toBe(false);
    expect(verifySignature('whsec_a', body, header.replace('t=1764547200', 't=1764547201'))).toBe(false);
    expect(verifySignature('whsec_a', body, 'garbage')).toBe(false);
  });

  it('mints distinct secrets with 256 bits of randomness', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
