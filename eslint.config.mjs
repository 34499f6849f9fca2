// ESLint (flat config) with typescript-eslint's type-aware rules: `npm run lint`.
// Formatting is Prettier's job (`npm run format`), so no stylistic rules here.
import { builtinModules } from 'node:module';
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const WORKFLOW_DETERMINISM =
  'Workflow code must be deterministic and is bundled without Node.js: use @temporalio/workflow (sleep, condition, proxyActivities) and the shared pure code in src/common; type-only imports are fine.';

export default defineConfig(
  // test/package/consumer: a consumer project's files, type-checked against the installed tarball by test/package.
  { ignores: ['lib/', 'node_modules/', '.tools/', 'artifacts/', 'coverage/', '.demo/', 'test/package/consumer/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its errors; one passed where a callback's result is ignored too.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // The code reads JSON, AWS and Temporal payloads whose shape it checks itself.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // `require` is how the CLI reads package.json and how tests load entry points by path.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Deterministic code: the workflows and the pure code they share.
    files: ['src/workflows/**/*.ts', 'src/common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: WORKFLOW_DETERMINISM, allowTypeImports: true })),
          patterns: [
            { group: ['node:*'], message: WORKFLOW_DETERMINISM, allowTypeImports: true },
            {
              group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
              message: WORKFLOW_DETERMINISM,
              allowTypeImports: true,
            },
            // The AWS SDK's partition table (region -> partition, for the ARN check) is pure data and a regex match.
            {
              group: ['@aws-sdk/*', '!@aws-sdk/util-endpoints'],
              message: WORKFLOW_DETERMINISM,
              allowTypeImports: true,
            },
            {
              regex: '^(\\.\\.?/)+activities(/.*)?$',
              message: `${WORKFLOW_DETERMINISM} Activities are called through proxyActivities<MediaConnectActivities>().`,
              allowTypeImports: true,
            },
            // The package's I/O-doing parts: the worker, the client, the CLI, the demo, the simulator.
            {
              regex: '^(\\.\\.?/)+(worker|config|client|cli|demo|live-view|dev-server|testing)(/.*)?$',
              message: WORKFLOW_DETERMINISM,
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate'].map(
          (name) => ({
            name,
            message:
              'Timers in workflow code: use sleep() or condition() from @temporalio/workflow (durable, and skipped by the test server).',
          }),
        ),
        {
          name: 'process',
          message: 'Workflow code has no process: configuration comes in through the workflow input.',
        },
        { name: 'fetch', message: 'Workflow code does no I/O: call an activity.' },
      ],
    },
  },
  {
    // Tests pass activities and mocks around as plain functions, as Temporal itself does.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: {
        module: 'readonly',
        require: 'readonly',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
  },
);
