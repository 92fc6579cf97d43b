// ESLint: typescript-eslint's strict type-checked and stylistic rules, tuned so that what remains
// is worth fixing. Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'sample/dist/', 'coverage/', 'bench/results/', 'test-output/'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The TypeScript files belong to tsconfig.json; the few config and fixture files outside
        // it get a default program.
        projectService: { allowDefaultProject: ['*.mjs', 'vitest.config.mts', 'test/package/fixtures/*.mjs', 'sample/preflight.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      'no-console': 'error',
      // Numbers and booleans in messages and keys read fine.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/restrict-plus-operands': ['error', { allowNumberAndString: true }],
      // An async method without await is how a Promise-returning contract (SessionStore) is met
      // by synchronous code: a throw still becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // It prefers `value!` to `value as T`, which strict's no-non-null-assertion then forbids.
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // Nest modules are empty classes carrying a decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // `() => void promise()` and `(x) => set.add(x)` arrows are idiomatic.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // Express/Fastify handlers and Node callbacks take async functions on purpose.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `interface` for object shapes, `type` for unions: both are used on purpose.
      '@typescript-eslint/consistent-type-definitions': 'off',
    },
  },
  {
    // npm start's preflight must run on the old Node.js it refuses, so it is written in the
    // JavaScript every Node understands: require(), no optional chaining, no `??`.
    files: ['sample/preflight.cjs'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/prefer-optional-chain': 'off',
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
    },
  },
  {
    // Tests reach into what they just asserted exists, read untyped response bodies and wire
    // replies (supertest's `body` is `any`), pass no-op callbacks, and check defensively.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      // The Passport and docs apps are written the way users write them against express-session:
      // an untyped `req`, and Node-style callbacks whose error is passed on to `reject` as is.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // The platform objects (Express's or Fastify's request and reply, the Fastify instance) and
    // the drivers' replies are `any` at the library's edges on purpose: neither platform nor any
    // driver is a dependency of the core, and their own typings would tie the shipped .d.ts to
    // packages a user may not have (see the type test). The checks happen at run time, in
    // utils/http.ts and in each store, which is also why some conditions look "unnecessary" to
    // the type checker: they guard values from plain-JavaScript callers and loosely typed drivers.
    files: ['lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
  {
    // sample/tsconfig.json compiles the sample against the built dist/ (absent until `npm run
    // build`); the root tsconfig.json maps `nest-session` to lib/, so lint needs no build.
    files: ['sample/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.json' } },
  },
  {
    // Entry points and child-process scripts whose stdout is their interface (a "listening"
    // line a test waits for, a JSON result a parent reads, a runner's report).
    files: ['sample/src/*main.ts', 'test/consumers/**', 'test/package/fixtures/**', '.ci/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    // The Passport sample is written as an express-session + Passport app is written: an untyped
    // `req`/`res` (`req.user`, `req.logout()`), an empty handler behind a guard, Node callbacks.
    files: ['sample/src/passport/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // A CommonJS require hook, loaded with `node -r`.
    files: ['test/scale/fleet/register-swc.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The benchmarks are CommonJS scripts that print their results.
    files: ['bench/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { 'no-console': 'off', '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/no-extraneous-class': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
