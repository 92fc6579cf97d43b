/**
 * One Jest run for the whole suite: unit specs under test/unit, e2e scenarios under test/e2e,
 * store suites under test/stores, the browser test under test/sample.
 * swc keeps decorator metadata, which Nest's dependency injection needs.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { '^nest-session$': '<rootDir>/lib' },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
