// Three test tiers, selected with --selectProjects:
//   unit         *.spec.ts beside the code, pure logic, no processes
//   integration  *.integration-spec.ts, one service against real PostgreSQL/NATS/Redis
//   e2e          apps/*/test/*.e2e-spec.ts, the whole system through the gateway
const preset = require('./jest.preset');

module.exports = {
  // A global option (ignored inside projects): integration and e2e tests start,
  // kill and restart real processes, which on a busy 2-core machine takes seconds.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tools/summary-reporter.js'],
  projects: [
    { ...preset, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,deploy,load-tests}/**/*.spec.ts'] },
    {
      ...preset,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/integration-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/teardown.ts',
    },
    {
      ...preset,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/**/test/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/e2e-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/teardown.ts',
    },
  ],
};
