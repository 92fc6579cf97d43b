import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole suite: unit specs under test/unit, e2e scenarios under test/e2e,
 * store suites under test/stores, the browser test under test/sample, the package checks under
 * test/package.
 */
export default defineConfig({
  // swc, not vite's default transformer (oxc/esbuild): those drop `emitDecoratorMetadata`,
  // and Nest's dependency injection reads the constructor parameter types from that metadata.
  oxc: false,
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    }),
  ],
  resolve: {
    // The specs import the library by its published name; they run against lib/ (the sample and the
    // package specs run against the build).
    alias: [
      { find: /^nest-session$/, replacement: `${import.meta.dirname}/lib/index.ts` },
      { find: /^nest-session\/testing$/, replacement: `${import.meta.dirname}/lib/testing/index.ts` },
    ],
  },
  test: {
    globals: true,
    include: ['test/**/*.spec.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    // Child processes, not threads: the specs start servers, open sockets and load a native module
    // (better-sqlite3); a crash or a leaked handle stays in its own process.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
