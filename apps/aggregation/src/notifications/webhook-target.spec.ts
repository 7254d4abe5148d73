import { nonPublicRange, RefusedTarget, resolveTarget, type TargetPolicy } from './webhook-target';

const strict: TargetPolicy = { allowPrivate: false, resolve: () => Promise.resolve(['93.184.215.14']) };
const refusal = async (url: string, policy: TargetPolicy = strict): Promise<string> => {
  try {
    await resolveTarget(url, policy);
  } catch (err) {
    if (err instanceof RefusedTarget) return err.message;
    throw err;
  }
  throw new Error(`${url} was accepted`);
};

describe('webhook target guard (SSRF)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fc12:3456::1', 'uniqueLocal'],
  ])('classifies %s as %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it('judges an IPv4-mapped IPv6 address by the IPv4 address it carries', () => {
    expect(nonPublicRange('::ffff:10.0.0.1')).toBe('private');
    expect(nonPublicRange('::ffff:127.0.0.1')).toBe('loopback');
    expect(nonPublicRange('::ffff:93.184.215.14')).toBeNull();
  });

  it('passes global unicast addresses', () => {
    expect(nonPublicRange('93.184.215.14')).toBeNull();
    expect(nonPublicRange('2606:2800:220:1:248:1893:25c8:1946')).toBeNull();
  });

  it('refuses loopback, metadata, private and IPv6 literals in URLs', async () => {
    expect(await refusal('https://127.0.0.1/')).toBe('must not reach a loopback address (127.0.0.1)');
    expect(await refusal('https://169.254.169.254/latest/meta-data')).toBe('must not reach a linkLocal address (169.254.169.254)');
    expect(await refusal('https://10.0.0.5:8443/hook')).toBe('must not reach a private address (10.0.0.5)');
    expect(await refusal('https://[::1]/')).toBe('must not reach a loopback address (::1)');
    expect(await refusal('https://[fd00::5]/')).toBe('must not reach a uniqueLocal address (fd00::5)');
    // WHATWG URL parsing normalises the decimal and hex spellings of 127.0.0.1 before the check sees them.
    expect(await refusal('https://2130706433/')).toBe('must not reach a loopback address (127.0.0.1)');
    expect(await refusal('https://0x7f.1/')).toBe('must not reach a loopback address (127.0.0.1)');
  });

  it('refuses cluster-internal and single-label names without asking DNS', async () => {
    const resolve = jest.fn(() => Promise.resolve(['93.184.215.14']));
    const policy = { allowPrivate: false, resolve };
    expect(await refusal('https://localhost/', policy)).toBe('must not name an internal host (localhost)');
    expect(await refusal('https://postgres/', policy)).toBe('must not name an internal host (postgres)');
    expect(await refusal('https://api.ledgerline.svc/', policy)).toBe('must not name an internal host (api.ledgerline.svc)');
    expect(await refusal('https://redis.default.svc.cluster.local./', policy)).toBe(
      'must not name an internal host (redis.default.svc.cluster.local)',
    );
    expect(await refusal('https://metadata.google.internal/', policy)).toBe('must not name an internal host (metadata.google.internal)');
    expect(resolve).not.toHaveBeenCalled();
  });

  it('refuses a public name that resolves to any private address (DNS checked, every answer)', async () => {
    const rebinding = { allowPrivate: false, resolve: () => Promise.resolve(['93.184.215.14', '10.0.0.7']) };
    expect(await refusal('https://hooks.example.com/x', rebinding)).toBe('must not reach a private address (10.0.0.7)');
    const unresolvable = { allowPrivate: false, resolve: () => Promise.reject(new Error('ENOTFOUND')) };
    expect(await refusal('https://nope.example.com/', unresolvable)).toBe('host nope.example.com does not resolve');
  });

  it('refuses non-https schemes, credentials and garbage', async () => {
    expect(await refusal('http://hooks.example.com/')).toBe('must be an https:// URL');
    expect(await refusal('ftp://hooks.example.com/')).toBe('must be an https:// URL');
    expect(await refusal('file:///etc/passwd')).toBe('must be an https:// URL');
    expect(await refusal('https://user:pw@hooks.example.com/')).toBe('must not carry credentials');
    expect(await refusal('not a url')).toBe('must be an absolute https:// URL');
  });

  it('accepts a public https URL and pins the address it checked', async () => {
    const target = await resolveTarget('https://hooks.example.com/budget?x=1', strict);
    expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(target.url.href).toBe('https://hooks.example.com/budget?x=1');
  });

  it('allows loopback and http only when the operator allows private addresses', async () => {
    const open: TargetPolicy = { allowPrivate: true, resolve: () => Promise.resolve(['127.0.0.1']) };
    await expect(resolveTarget('http://127.0.0.1:8080/hook', open)).resolves.toMatchObject({ address: '127.0.0.1', family: 4 });
    await expect(resolveTarget('https://localhost/hook', open)).resolves.toMatchObject({ address: '127.0.0.1' });
    expect(await refusal('ftp://127.0.0.1/', open)).toBe('must be an https:// URL');
  });
});
