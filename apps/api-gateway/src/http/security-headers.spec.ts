import helmet, { type HelmetOptions } from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { securityHeaders } from './security-headers';

/** What helmet itself writes on a real response for these options. */
function helmetOnARealResponse(options: HelmetOptions): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  response.setHeader('X-Powered-By', 'something');
  helmet(options)(request, response, () => undefined);
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([k, v]) => [k, String(v)]));
}

describe('securityHeaders', () => {
  const options: HelmetOptions = {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };

  it('is exactly what helmet sets on a response for the same options', () => {
    expect(securityHeaders(options)).toEqual(helmetOnARealResponse(options));
  });

  it('carries the API policy', () => {
    const headers = securityHeaders(options);
    expect(headers['content-security-policy']).toMatch(/^default-src 'none';/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it('follows the options', () => {
    const crossOrigin = securityHeaders({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"] } },
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      strictTransportSecurity: false,
    });
    expect(crossOrigin['cross-origin-resource-policy']).toBe('cross-origin');
    expect(crossOrigin).not.toHaveProperty('strict-transport-security');
  });

  it('refuses options helmet rejects', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['none'] } } })).toThrow();
  });
});
