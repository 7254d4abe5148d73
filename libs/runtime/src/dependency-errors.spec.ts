import { dependencyFailure } from './dependency-errors';

describe('dependencyFailure', () => {
  it('maps a statement cancelled by statement_timeout (TypeORM-wrapped) to 504', () => {
    const wrapped = Object.assign(new Error('canceling statement due to statement timeout'), {
      driverError: Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    });
    expect(dependencyFailure(wrapped)?.code).toBe('upstream-timeout');
  });

  it("maps the client's own query_timeout to 504 and connection failures to 503", () => {
    expect(dependencyFailure(new Error('Query read timeout'))?.code).toBe('upstream-timeout');
    expect(dependencyFailure(new Error('timeout exceeded when trying to connect'))?.code).toBe('service-unavailable');
    expect(dependencyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))?.code).toBe(
      'service-unavailable',
    );
    expect(
      dependencyFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))?.code,
    ).toBe('service-unavailable');
  });

  it('leaves every other error alone', () => {
    expect(dependencyFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(dependencyFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(dependencyFailure(undefined)).toBeUndefined();
  });
});
