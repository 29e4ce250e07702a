import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../../src/tenancy/api-keys.js';
import { useApiHarness, type ApiHarness } from '../../support/api-harness.js';

/**
 * Authentication, roles, the per-key rate limit and request-level refusals over the real app.
 * The limit here is 1 request per second with a burst of 3, on the wall clock: every test uses a
 * tenant (and keys) of its own so none spends another's tokens.
 */

let api: ApiHarness;
useApiHarness(
  (harness) => {
    api = harness;
  },
  { requestsPerSecond: 1, burst: 3 },
);

function expectErrorShape(body: any, code: string): void {
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
}

describe('rate limit', () => {
  it('entitlement checks take no tokens: ten in a row all answer, and the key still has its whole burst', async () => {
    const t = await api.tenant();
    // The customer is created directly: the API call would spend a token.
    const customer = await api.h.db.prisma.customer.create({ data: { id: `cus_rl_${Date.now()}`, tenantId: t.tenantId, currency: 'USD' } });
    const checks = [];
    for (let i = 0; i < 10; i++) checks.push((await api.request('GET', `/v1/customers/${customer.id}/entitlements`, { key: t.key })).status);
    expect(checks).toEqual(Array.from({ length: 10 }, () => 200));
    expect((await api.request('GET', '/v1/customers', { key: t.key })).headers.get('ratelimit-remaining')).toBe('2');
  });

  it('answers the 4th immediate request of one key with 429 rate_limited, Retry-After and RateLimit-* headers', async () => {
    const t = await api.tenant();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api.request('GET', '/v1/customers', { key: t.key }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-limit'))).toEqual(['3', '3', '3', '3']);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    const limited = answers[3]!;
    expectErrorShape(limited.body, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.details).toEqual([{ retryAfterSeconds: retryAfter }]);

    // Writes count against the same bucket, and a limited POST changes nothing.
    const post = await api.request('POST', '/v1/products', { key: t.key, body: { name: 'Limited' } });
    expect(post.status).toBe(429);
    expect(await api.h.db.prisma.product.count({ where: { tenantId: t.tenantId } })).toBe(0);

    // After Retry-After, the key may go again.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const after = await api.request('GET', '/v1/customers', { key: t.key });
    expect(after.status).toBe(200);
  });

  it('limits each key on its own: another key of the same tenant is not limited', async () => {
    const t = await api.tenant();
    for (let i = 0; i < 3; i++) expect((await api.request('GET', '/v1/products', { key: t.key })).status).toBe(200);
    expect((await api.request('GET', '/v1/products', { key: t.key })).status).toBe(429);
    const second = await issueApiKey(api.h.db.prisma, { tenantId: t.tenantId, name: 'second admin', role: 'admin' });
    const other = await api.request('GET', '/v1/products', { key: second.secret });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
    expect((await api.request('GET', '/v1/products', { key: t.readOnlyKey })).status).toBe(200);
    const created = await api.request('POST', '/v1/products', { key: second.secret, body: { name: 'Not limited' } });
    expect(created.status).toBe(201);
  });
});

describe('authentication and roles', () => {
  it('refuses a missing or unknown key with 401 and WWW-Authenticate', async () => {
    const missing = await api.request('GET', '/v1/customers', { key: null });
    expect(missing.status).toBe(401);
    expectErrorShape(missing.body, 'authentication_required');
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    const unknown = await api.request('GET', '/v1/customers', { key: 'dbk_unknown' });
    expect(unknown.status).toBe(401);
    expectErrorShape(unknown.body, 'invalid_api_key');
  });

  it('answers Basic auth, a bare key and other schemes with authentication_required and how to send the key, never echoing it', async () => {
    const t = await api.tenant();
    const cases = [
      { authorization: `Basic ${Buffer.from(`${t.key}:`).toString('base64')}`, message: 'The Basic scheme is not accepted: send the API key as "Authorization: Bearer dbk_…"' },
      { authorization: t.key, message: 'The Authorization header names no scheme: send the API key as "Authorization: Bearer dbk_…"' },
      { authorization: `Token ${t.key}`, message: 'The Token scheme is not accepted: send the API key as "Authorization: Bearer dbk_…"' },
    ];
    for (const { authorization, message } of cases) {
      const response = await api.request('GET', '/v1/customers', { headers: { authorization } });
      expect(response.status, authorization).toBe(401);
      expectErrorShape(response.body, 'authentication_required');
      expect(response.body.error.message).toBe(message);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    // The same key as a Bearer token is accepted: the refusal was about the scheme alone.
    expect((await api.request('GET', '/v1/customers', { key: t.key })).status).toBe(200);
  });

  it('lets a read_only key GET but answers 403 insufficient_role to a POST, changing nothing', async () => {
    const t = await api.tenant();
    expect((await api.request('GET', '/v1/customers', { key: t.readOnlyKey })).status).toBe(200);
    const post = await api.request('POST', '/v1/customers', { key: t.readOnlyKey, body: { currency: 'usd' } });
    expect(post.status).toBe(403);
    expectErrorShape(post.body, 'insufficient_role');
    const put = await api.request('PUT', '/v1/dunning-policy', { key: t.readOnlyKey, body: { retryOffsetsDays: [1], finalAction: 'cancel' } });
    expect(put.status).toBe(403);
    expectErrorShape(put.body, 'insufficient_role');
    expect(await api.h.db.prisma.customer.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });
});

describe('request refusals', () => {
  it('answers a malformed JSON body with 400 invalid_request', async () => {
    const t = await api.tenant();
    const r = await api.request('POST', '/v1/customers', { key: t.key, rawBody: '{"currency": "usd",' });
    expect(r.status).toBe(400);
    expectErrorShape(r.body, 'invalid_request');
    expect(await api.h.db.prisma.customer.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it('answers a body over 1 MB with 413 payload_too_large, before authentication', async () => {
    const t = await api.tenant();
    const big = JSON.stringify({ currency: 'usd', name: 'x'.repeat(1024 * 1024) });
    const r = await api.request('POST', '/v1/customers', { key: t.key, rawBody: big });
    expect(r.status).toBe(413);
    expectErrorShape(r.body, 'payload_too_large');
    const anonymous = await api.request('POST', '/v1/customers', { key: null, rawBody: big });
    expect(anonymous.status).toBe(413);
    // Just under the limit is read (and refused by validation for its too-long name).
    const under = JSON.stringify({ currency: 'usd', name: 'x'.repeat(1024 * 1024 - 40) });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(1024 * 1024);
    const r2 = await api.request('POST', '/v1/customers', { key: t.key, rawBody: under });
    expect(r2.status).toBe(400);
    expect(r2.body.error.details).toEqual([expect.objectContaining({ field: 'body.name' })]);
  });

  it('answers an unknown route with 404 not_found', async () => {
    const t = await api.tenant();
    const r = await api.request('GET', '/v1/nothing-here', { key: t.key });
    expect(r.status).toBe(404);
    expectErrorShape(r.body, 'not_found');
    const wrongMethod = await api.request('DELETE', '/v1/customers', { key: t.key });
    expect(wrongMethod.status).toBe(404);
    expectErrorShape(wrongMethod.body, 'not_found');
    const outside = await api.request('GET', '/nothing-here');
    expect(outside.status).toBe(404);
    expectErrorShape(outside.body, 'not_found');
  });

  it('answers an unknown query parameter with 400 listing it', async () => {
    const t = await api.tenant();
    const r = await api.request('GET', '/v1/customers?limit=5&bogus=1&other=x', { key: t.key });
    expect(r.status).toBe(400);
    expectErrorShape(r.body, 'invalid_request');
    const fields = r.body.error.details.map((d: any) => d.field).sort();
    expect(fields).toEqual(['query.bogus', 'query.other']);
    expect(r.body.error.details.every((d: any) => d.code === 'unknown_field')).toBe(true);
    // Every bad parameter, not just the unknown ones.
    const mixed = await api.request('GET', '/v1/invoices?limit=0&status=nope&extra=1', { key: t.key });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.map((d: any) => d.field).sort()).toEqual(['query.extra', 'query.limit', 'query.status']);
  });
});
