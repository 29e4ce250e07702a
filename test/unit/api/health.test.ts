import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import type { ReadinessCheck } from '../../../src/api/health/routes.js';

const up = (name: ReadinessCheck['name']): ReadinessCheck => ({ name, check: async () => undefined });
const down = (name: ReadinessCheck['name'], message: string): ReadinessCheck => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});

describe('health routes', () => {
  it('GET /health answers while dependencies are down (liveness only)', async () => {
    const app = createApp({ readinessChecks: [down('database', 'refused'), down('temporal', 'refused')] });
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready is 200 when every dependency is up', async () => {
    const app = createApp({ readinessChecks: [up('database'), up('temporal')] });
    const response = await app.request('/health/ready');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
  });

  it('GET /health/ready is 503 naming the failing part', async () => {
    const app = createApp({ readinessChecks: [up('database'), down('temporal', 'connect ECONNREFUSED 127.0.0.1:7233')] });
    const response = await app.request('/health/ready');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { database: { status: 'up' }, temporal: { status: 'down', error: 'connect ECONNREFUSED 127.0.0.1:7233' } },
    });
  });

  it('a check that hangs is reported down after its timeout rather than hanging the probe', async () => {
    const app = createApp({ readinessChecks: [{ name: 'database', check: () => new Promise(() => undefined) }, up('temporal')] });
    const response = await app.request('/health/ready');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: { database: { status: string; error: string } } };
    expect(body.checks.database).toEqual({ status: 'down', error: 'no answer within 2000 ms' });
  });

  it('unknown routes get the standard error shape', async () => {
    const app = createApp({ readinessChecks: [] });
    const response = await app.request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nope', details: [] } });
  });

  it('publishes both health routes in the OpenAPI document', async () => {
    const app = createApp({ readinessChecks: [] });
    const document = (await (await app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(['/health', '/health/ready']);
  });
});
