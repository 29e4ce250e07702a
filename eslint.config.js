import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Each layer's import rule lists every pattern it forbids: ESLint does not merge the options of
// one rule across config objects, the last matching object wins.
const noDevtools = { group: ['**/devtools/**'], message: 'Production code does not import src/devtools (local tooling).' };
const restrictImports = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.data/', '.tools/', 'src/generated/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      // Implementations of async interfaces often have nothing to await; that is not a bug.
      '@typescript-eslint/require-await': 'off',
      'no-console': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, activities only
    // as types (they are called through proxyActivities), and from src/ only pure modules.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflow code must be deterministic: no Node built-ins.' },
            { group: ['../activities/*', '../activities'], allowTypeImports: true, message: 'Import activities type-only.' },
            {
              regex: '^\\.\\./src/(?!domain/|billing/failures\\.js$|billing/amount-bounds\\.js$|billing/subscriptions/change-fingerprint\\.js$|payments/charge-limits\\.js$)',
              allowTypeImports: true,
              message: 'Workflow code may use only pure modules of src/ (domain, failure vocabulary, amount bounds, change fingerprints, charge limits).',
            },
            noDevtools,
          ],
        },
      ],
    },
  },
  {
    // Route handlers validate, authorize and delegate: billing operations and subscription
    // commands do the work. The composition root (server, main, readiness) wires the parts.
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/server.ts', 'src/api/main.ts', 'src/api/readiness.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/activities', '**/activities/**'], message: 'The API delegates to src/billing, never to activities.' },
            { group: ['**/db/prisma-client*', '**/generated/prisma/**', '@prisma/*'], message: 'No Prisma in the API: call a billing operation.' },
            { group: ['@temporalio/*', '**/temporal/**'], message: 'The API reaches workflows through the subscription commands (src/billing/subscriptions).' },
            noDevtools,
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.property.name='prisma']", message: 'No queries in the API: call a billing operation.' },
        { selector: "MemberExpression[object.name='prisma']", message: 'No queries in the API: call a billing operation.' },
      ],
    },
  },
  {
    files: ['src/payments/**/*.ts'],
    rules: {
      ...restrictImports({ group: ['**/api', '**/api/**'], message: 'Payments know nothing of the HTTP API.' }, noDevtools),
    },
  },
  {
    // Billing operations are the layer below the API and the workflows: they never reach up.
    files: ['src/billing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api', '**/api/**', '**/temporal/**', '@temporalio/*', '**/activities', '**/activities/**', '**/devtools/**'], message: 'Billing operations do not import the layers above them.' },
            { group: ['**/workflows/**'], allowTypeImports: true, message: 'Billing uses the workflows\' message types only (type-only).' },
          ],
        },
      ],
    },
  },
  {
    // Activities are thin shells over billing operations.
    files: ['activities/**/*.ts'],
    rules: {
      ...restrictImports({ group: ['**/api/**', '**/workflows/**', '**/temporal/**', '**/devtools/**'], message: 'Activities call billing operations, nothing above them.' }),
    },
  },
  {
    // Production code never depends on local tooling (the embedded stack, the sandbox, the simulator).
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/devtools/**', 'src/api/**', 'src/billing/**', 'src/payments/**'],
    rules: restrictImports(noDevtools),
  },
  {
    // Logs, metrics and traces are infrastructure every layer uses: they know no billing, API or workflow code.
    files: ['src/observability/**/*.ts'],
    rules: {
      ...restrictImports({
        group: ['../api/**', '../billing/**', '../temporal/**', '../payments/**', '../devtools/**', '../../workflows/**', '../../activities/**'],
        message: 'Observability is below every layer: it imports none of them.',
      }),
    },
  },
  {
    // HTTP tests read JSON bodies whose shape is what the assertions check: typing every response
    // would restate the OpenAPI document the tests are verifying.
    files: ['test/workflow/api/**/*.ts', 'test/support/api-harness.ts', 'test/support/api-expect.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
