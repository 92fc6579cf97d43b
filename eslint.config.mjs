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
        projectService: { allowDefaultProject: ['*.mjs', 'vitest.config.mts', 'test/package/fixtures/*.mjs'] },
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
    },
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
