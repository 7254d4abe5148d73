// Three test tiers, selected with --selectProjects:
//   unit         *.spec.ts beside the code, pure logic, no processes
//   integration  *.integration-spec.ts, one service against real PostgreSQL/NATS/Redis
//   e2e          apps/*/test/*.e2e-spec.ts, the whole system through the gateway
//                (and load-tests/**/*.e2e-spec.ts: the k6 suites smoke-run against it)
//   fuzz         apps/*/test/*.fuzz-spec.ts, generated hostile requests against the e2e stack
//                (FUZZ_RUNS per route; a short run by default, `npm run test:fuzz` for a long one)
const preset = require('./jest.preset');

module.exports = {
  // A global option (ignored inside projects): integration and e2e tests start,
  // kill and restart real processes, which on a busy 2-core machine takes seconds.
  testTimeout: 60_000,
  // Ends the run when the last test and teardown are done, whatever a test left open: on 2 cores jest runs in band,
  // so one leaked timer in any in-process app (a node-redis client closed with a reply outstanding pinged itself
  // forever, see shutDownRedis) kept CI waiting out its 90 minutes after every test had passed. Leaks are still bugs:
  // `npx jest --detectOpenHandles` lists them.
  forceExit: true,
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
      testMatch: ['<rootDir>/apps/**/test/*.e2e-spec.ts', '<rootDir>/load-tests/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/e2e-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/teardown.ts',
    },
    {
      ...preset,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/apps/**/test/*.fuzz-spec.ts'],
      // After e2e: with both selected, this reuses the stack e2e's setup started.
      globalSetup: '<rootDir>/libs/testing/src/jest/fuzz-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/teardown.ts',
    },
  ],
};
