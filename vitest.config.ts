import { defineConfig } from 'vitest/config';

// Tests log at warn unless told otherwise: `npm test` sets LOG_LEVEL=debug and LOG_FILE (the log audit).
const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };

// Four groups, from cheapest to most expensive. Each group that needs servers starts them once in
// its globalSetup and tears them down after the run; see test/support/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          env,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          env,
          globalSetup: ['test/support/global-postgres.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          env,
          globalSetup: ['test/support/global-postgres.ts'],
          setupFiles: ['test/support/quiet-temporal-runtime.ts'],
          // Each file runs its own time-skipping server; files run one at a time so that the
          // 2-core machine gives each server's clock-driven steps the CPU they need.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env,
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      // Only after the others, by test/run-all.ts: it reads the logs they wrote.
      ...(process.env.BILLING_LOG_AUDIT === '1' ? [{ test: { name: 'logs', include: ['test/logs/**/*.test.ts'] } }] : []),
    ],
  },
});
