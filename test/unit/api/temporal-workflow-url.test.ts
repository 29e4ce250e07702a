import { describe, expect, it } from 'vitest';
import { temporalWorkflowUrl } from '../../../src/api/server.js';
import { apiConfigSchema, ConfigError, loadConfig } from '../../../src/config/index.js';

const valid = { DATABASE_URL: 'postgresql://root@127.0.0.1:5432/test', STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_abc' };

describe("the console's link to a subscription's workflow", () => {
  it('is the Temporal UI page of workflow subscription:<id> in the namespace, whatever slashes end TEMPORAL_UI_URL', () => {
    const config = loadConfig(apiConfigSchema, { ...valid, TEMPORAL_UI_URL: 'https://temporal.example.com/ui/', TEMPORAL_NAMESPACE: 'billing prod' });
    const link = temporalWorkflowUrl(config.TEMPORAL_UI_URL!, config.TEMPORAL_NAMESPACE);
    expect(link('sub_123')).toBe('https://temporal.example.com/ui/namespaces/billing%20prod/workflows/subscription%3Asub_123');
  });

  it('is off when TEMPORAL_UI_URL is unset, and a value that is no http URL stops the API', () => {
    expect(loadConfig(apiConfigSchema, valid).TEMPORAL_UI_URL).toBeUndefined();
    expect(() => loadConfig(apiConfigSchema, { ...valid, TEMPORAL_UI_URL: 'temporal:8233' })).toThrow(ConfigError);
  });
});
