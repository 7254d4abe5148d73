// Shared jest settings. Nest 12 ships ESM only; @swc/jest transpiles it (and our
// TypeScript) to CommonJS with legacy decorators and metadata, which ts-jest cannot.
const path = require('node:path');

const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const libs = ['contracts', 'money', 'messaging', 'database', 'telemetry', 'runtime', 'testing'];
const moduleNameMapper = Object.fromEntries(libs.map((lib) => [`^@ledgerline/${lib}$`, path.join(__dirname, `libs/${lib}/src/index.ts`)]));
moduleNameMapper['^@ledgerline/telemetry/register$'] = path.join(__dirname, 'libs/telemetry/src/register.ts');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swcTransform },
  // content-disposition: ESM-only, loaded by @fastify/static under @fastify/swagger-ui.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid|load-esm|file-type|iterare|cookie|content-disposition)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};
