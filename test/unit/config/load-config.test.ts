import { describe, expect, it } from 'vitest';
import { apiConfigSchema, ConfigError, devStackConfigSchema, loadConfig, workerConfigSchema } from '../../../src/config/index.js';

const valid = {
  DATABASE_URL: 'postgresql://root@127.0.0.1:5432/test',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
};

function problemsOf(run: () => unknown): Array<{ variable: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(apiConfigSchema, valid);
    expect(config).toEqual({
      ...valid,
      STRIPE_WEBHOOK_TOLERANCE_SECONDS: 300,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'billing',
      HOST: '0.0.0.0',
      PORT: 3000,
      LOG_LEVEL: 'info',
      // README: JSON lines unless told otherwise.
      LOG_FORMAT: 'json',
      // README: 25 requests per second per key, bursts of 50.
      API_RATE_LIMIT_PER_SECOND: 25,
      API_RATE_LIMIT_BURST: 50,
      // README: entitlement checks are cached unless turned off.
      ENTITLEMENT_CACHE: 'on',
      // README: webhook endpoints are public https unless a development server says otherwise.
      WEBHOOK_URL_POLICY: 'strict',
    });
  });

  it('coerces numbers from the environment', () => {
    expect(loadConfig(apiConfigSchema, { ...valid, PORT: '8080' }).PORT).toBe(8080);
    expect(loadConfig(apiConfigSchema, { ...valid, API_RATE_LIMIT_PER_SECOND: '0.5' }).API_RATE_LIMIT_PER_SECOND).toBe(0.5);
    expect(loadConfig(workerConfigSchema, { ...valid, WORKER_MAX_CONCURRENT_ACTIVITIES: '7' }).WORKER_MAX_CONCURRENT_ACTIVITIES).toBe(7);
  });

  it('names every missing required variable', () => {
    expect(problemsOf(() => loadConfig(apiConfigSchema, {}))).toEqual([
      { variable: 'DATABASE_URL', message: 'is required but not set' },
      { variable: 'STRIPE_SECRET_KEY', message: 'is required but not set' },
      { variable: 'STRIPE_WEBHOOK_SECRET', message: 'is required but not set' },
    ]);
  });

  it('refuses a publishable key where a secret key belongs, and a non-URL API base', () => {
    const problems = problemsOf(() => loadConfig(workerConfigSchema, { ...valid, STRIPE_SECRET_KEY: 'pk_test_123', STRIPE_API_BASE: 'localhost:12111' }));
    expect(problems.map((p) => p.variable).sort()).toEqual(['STRIPE_API_BASE', 'STRIPE_SECRET_KEY']);
  });

  it('treats an empty string as unset', () => {
    expect(problemsOf(() => loadConfig(apiConfigSchema, { ...valid, DATABASE_URL: '' }))[0]?.variable).toBe('DATABASE_URL');
    expect(loadConfig(apiConfigSchema, { ...valid, PORT: '' }).PORT).toBe(3000);
  });

  it('lists every bad variable at once, each by name', () => {
    const problems = problemsOf(() =>
      loadConfig(apiConfigSchema, {
        ...valid,
        DATABASE_URL: 'mysql://nope',
        PORT: '70000',
        TEMPORAL_ADDRESS: 'http://localhost:7233',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'TEMPORAL_ADDRESS']);
    expect(problems.find((p) => p.variable === 'PORT')?.message).toMatch(/between 1 and 65535/);
  });

  it('puts every variable name into the error message', () => {
    expect(() => loadConfig(apiConfigSchema, { ...valid, PORT: 'abc' })).toThrow(/PORT: /);
  });

  it('lets the dev stack run without DATABASE_URL or TEMPORAL_ADDRESS', () => {
    const config = loadConfig(devStackConfigSchema, {});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.PORT).toBe(3000);
    expect(config.TEMPORAL_UI_PORT).toBe(8233);
  });
});
