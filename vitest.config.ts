import { defineConfig } from 'vitest/config';

// Four groups, from cheapest to most expensive. Each group that needs servers starts them once in
// its globalSetup and tears them down after the run; see test/support/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-postgres.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          globalSetup: ['test/support/global-postgres.ts', 'test/support/global-temporal-test-server.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          // Time skipping is global to one test server: workflow files must not run concurrently.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
