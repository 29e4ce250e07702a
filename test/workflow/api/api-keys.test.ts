import { describe, expect, it } from 'vitest';
import { ROUTE_PERMISSIONS } from '../../../src/api/auth/permissions.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * API-key administration and the four roles over the real app (Postgres, Temporal, the sandbox).
 * What a role may do is checked by doing it, and what it may not by a 403 that changed nothing.
 */
let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

async function ok<T = any>(response: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled.body;
}

async function keyOf(t: ApiTenant, role: string, name = role): Promise<any> {
  return ok(api.request('POST', '/v1/api-keys', { key: t.key, body: { name, role } }), 201);
}

function refused(response: { status: number; body: any }, code: string): void {
  expect(response.body?.error?.code, JSON.stringify(response.body)).toBe(code);
}

/** A subscription started now on a card, once its first charge was tried. */
async function subscribe(t: ApiTenant, price: any, paymentMethodId: string) {
  const buyer = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'b@example.com' } }), 201);
  await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId } }));
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: buyer.id, items: [{ priceId: price.id }] } }), 201);
  const invoice = await eventually(
    async () => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}`, { key: t.key }))).data[0],
    (found: any) => found?.attemptCount === 1,
  );
  return { sub, invoice };
}

async function plan(t: ApiTenant) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Plan' } }), 201);
  const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1500 }, interval: { unit: 'month' } } }), 201);
  return { product, price };
}

describe('API keys', () => {
  it('issues a key whose secret is shown once, lists and gets it without the secret, and the new key works', async () => {
    const t = await api.tenant();
    const issued = await keyOf(t, 'billing', 'checkout service');
    expect(issued).toMatchObject({ object: 'api_key', name: 'checkout service', role: 'billing', status: 'active', revokedAt: null, expiresAt: null, replacedById: null });
    expect(issued.secret).toMatch(/^dbk_[0-9A-Za-z]{40}$/);
    expect(issued.prefix).toBe(issued.secret.slice(0, 12));

    const got = await ok(api.request('GET', `/v1/api-keys/${issued.id}`, { key: t.key }));
    expect(got).not.toHaveProperty('secret');
    expect(JSON.stringify(got)).not.toContain(issued.secret);
    const listed = await ok(api.request('GET', '/v1/api-keys?role=billing', { key: t.key }));
    expect(listed.data.map((k: any) => k.id)).toEqual([issued.id]);
    expect(JSON.stringify(listed)).not.toContain(issued.secret);
    // The tenant's own admin and read_only keys, and the new one.
    expect((await ok(api.request('GET', '/v1/api-keys', { key: t.key }))).data).toHaveLength(3);

    expect((await api.request('GET', '/v1/customers', { key: issued.secret })).status).toBe(200);
  });

  it('a create repeated under one Idempotency-Key makes one key, and the replay never carries the secret', async () => {
    const t = await api.tenant();
    const first = await ok(api.request('POST', '/v1/api-keys', { key: t.key, idempotencyKey: 'new-key-1', body: { name: 'ci', role: 'read_only' } }), 201);
    const again = await api.request('POST', '/v1/api-keys', { key: t.key, idempotencyKey: 'new-key-1', body: { name: 'ci', role: 'read_only' } });
    expect([again.status, again.headers.get('idempotent-replayed'), again.body.id, again.body.secret]).toEqual([201, 'true', first.id, null]);
    expect(first.secret).toMatch(/^dbk_/);
    expect((await ok(api.request('GET', '/v1/api-keys?role=read_only', { key: t.key }))).data.filter((k: any) => k.name === 'ci')).toHaveLength(1);
    // The stored response has no secret in it.
    expect(JSON.stringify(await api.h.db.prisma.idempotencyKey.findMany({ where: { tenantId: t.tenantId } }))).not.toContain(first.secret);
  });

  it('refuses bad input with every bad field', async () => {
    const t = await api.tenant();
    const bad = await api.request('POST', '/v1/api-keys', { key: t.key, body: { name: '', role: 'owner' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.name', 'body.role']);
    refused(await api.request('POST', '/v1/api-keys/key_nope/revoke', { key: t.key }), 'api_key_not_found');
  });

  it('revokes a key at once, answers the same to a second revoke, and never revokes the last admin key', async () => {
    const t = await api.tenant();
    const support = await keyOf(t, 'support');
    const revoked = await ok(api.request('POST', `/v1/api-keys/${support.id}/revoke`, { key: t.key }));
    expect([revoked.status, revoked.revokedAt === null]).toEqual(['revoked', false]);
    expect((await ok(api.request('POST', `/v1/api-keys/${support.id}/revoke`, { key: t.key }))).revokedAt).toBe(revoked.revokedAt);
    refused(await api.request('GET', '/v1/customers', { key: support.secret }), 'invalid_api_key');

    const [own] = (await ok(api.request('GET', '/v1/api-keys?role=admin', { key: t.key }))).data;
    const last = await api.request('POST', `/v1/api-keys/${own.id}/revoke`, { key: t.key });
    refused(last, 'last_admin_key');
    expect(last.status).toBe(409);
    expect((await api.request('GET', '/v1/customers', { key: t.key })).status).toBe(200);
  });

  it('a key held in the key cache stops the moment it is revoked or deleted by hand in SQL, in every process (the trigger notifies)', async () => {
    const t = await api.tenant();
    await eventually(() => Promise.resolve(api.entitlements.isLive), (live) => live);
    const support = await keyOf(t, 'support');
    const reader = await keyOf(t, 'read_only');
    // Used, so cached.
    for (const key of [support, reader]) for (let i = 0; i < 3; i++) expect((await api.request('GET', '/v1/customers', { key: key.secret })).status).toBe(200);
    // Changed outside the API: only the trigger's notification reaches this process's cache.
    await api.h.db.prisma.apiKey.update({ where: { id: support.id }, data: { revokedAt: new Date() } });
    await api.h.db.prisma.apiKey.delete({ where: { id: reader.id } });
    for (const key of [support, reader]) await eventually(() => api.request('GET', '/v1/customers', { key: key.secret }), (r) => r.status === 401, 2_000);
    // A use of an unrelated column (lastUsedAt, once a minute) does not disturb the others.
    expect((await api.request('GET', '/v1/customers', { key: t.key })).status).toBe(200);
  });

  it('two admins revoking each other at once: one succeeds, one is refused, one admin key is left', async () => {
    const t = await api.tenant();
    const second = await keyOf(t, 'admin', 'second admin');
    const [first] = (await ok(api.request('GET', '/v1/api-keys?role=admin', { key: t.key }))).data.filter((k: any) => k.id !== second.id);
    const answers = await Promise.all([
      api.request('POST', `/v1/api-keys/${second.id}/revoke`, { key: t.key }),
      api.request('POST', `/v1/api-keys/${first.id}/revoke`, { key: second.secret }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const live = await api.h.db.prisma.apiKey.count({ where: { tenantId: t.tenantId, role: 'admin', revokedAt: null } });
    expect(live).toBe(1);
  });

  it('rotation: the new key has the name and role; the old stops at once, or works through its grace period', async () => {
    const t = await api.tenant();
    const billing = await keyOf(t, 'billing', 'worker');
    const rotated = await ok(api.request('POST', `/v1/api-keys/${billing.id}/rotate`, { key: t.key }), 201);
    expect(rotated).toMatchObject({ name: 'worker', role: 'billing', status: 'active' });
    expect(rotated.secret).toMatch(/^dbk_/);
    expect(await ok(api.request('GET', `/v1/api-keys/${billing.id}`, { key: t.key }))).toMatchObject({ status: 'revoked', replacedById: rotated.id });
    refused(await api.request('GET', '/v1/customers', { key: billing.secret }), 'invalid_api_key');
    expect((await api.request('GET', '/v1/customers', { key: rotated.secret })).status).toBe(200);
    refused(await api.request('POST', `/v1/api-keys/${billing.id}/rotate`, { key: t.key }), 'api_key_not_live');

    // A 2-second grace period: the old key works, then stops by itself.
    const graced = await ok(api.request('POST', `/v1/api-keys/${rotated.id}/rotate`, { key: t.key, body: { expiresInSeconds: 2 } }), 201);
    expect(await ok(api.request('GET', `/v1/api-keys/${rotated.id}`, { key: t.key }))).toMatchObject({ status: 'expiring', replacedById: graced.id, revokedAt: null });
    expect((await api.request('GET', '/v1/customers', { key: rotated.secret })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    refused(await api.request('GET', '/v1/customers', { key: rotated.secret }), 'invalid_api_key');
    expect((await ok(api.request('GET', `/v1/api-keys/${rotated.id}`, { key: t.key }))).status).toBe('expired');
    expect((await api.request('GET', '/v1/customers', { key: graced.secret })).status).toBe(200);

    // The last admin key may be rotated: its successor is an admin key.
    const [own] = (await ok(api.request('GET', '/v1/api-keys?role=admin', { key: t.key }))).data;
    const newAdmin = await ok(api.request('POST', `/v1/api-keys/${own.id}/rotate`, { key: t.key }), 201);
    expect(newAdmin.role).toBe('admin');
    refused(await api.request('GET', '/v1/api-keys', { key: t.key }), 'invalid_api_key');
    expect((await api.request('GET', '/v1/api-keys', { key: newAdmin.secret })).status).toBe(200);
  });
});

describe('roles', () => {
  it('support pays, voids, pauses and resumes, but changes no price, customer or key', async () => {
    const t = await api.tenant();
    const { product, price } = await plan(t);
    const support = await keyOf(t, 'support');

    // A declined first charge: support charges it again (declined again: a real second attempt), then voids it.
    const declined = await subscribe(t, price, 'pm_card_chargeCustomerFail');
    const paid = await ok(api.request('POST', `/v1/invoices/${declined.invoice.id}/pay`, { key: support.secret }));
    expect(paid).toMatchObject({ outcome: 'declined', invoice: { status: 'open', attemptCount: 2 } });
    expect((await ok(api.request('POST', `/v1/invoices/${declined.invoice.id}/void`, { key: support.secret }))).status).toBe('void');

    const { sub } = await subscribe(t, price, 'pm_card_visa');
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s: any) => s.status === 'active');
    expect((await ok(api.request('POST', `/v1/subscriptions/${sub.id}/pause`, { key: support.secret }))).status).toBe('paused');
    expect((await ok(api.request('POST', `/v1/subscriptions/${sub.id}/resume`, { key: support.secret }))).status).toBe('active');

    const prices = await api.h.db.prisma.price.count({ where: { tenantId: t.tenantId } });
    const attempts = [
      api.request('POST', '/v1/prices', { key: support.secret, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1 }, interval: { unit: 'month' } } }),
      api.request('POST', `/v1/prices/${price.id}/archive`, { key: support.secret }),
      api.request('POST', `/v1/products/${product.id}`, { key: support.secret, body: { name: 'Cheaper' } }),
      api.request('POST', '/v1/customers', { key: support.secret, body: { currency: 'usd' } }),
      api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: support.secret, body: { mode: 'now' } }),
      api.request('POST', '/v1/api-keys', { key: support.secret, body: { name: 'mine', role: 'admin' } }),
      api.request('GET', '/v1/api-keys', { key: support.secret }),
      api.request('PUT', '/v1/dunning-policy', { key: support.secret, body: { retryOffsetsDays: [1], finalAction: 'cancel' } }),
    ];
    for (const answer of await Promise.all(attempts)) {
      refused(answer, 'insufficient_role');
      expect(answer.status).toBe(403);
      expect(answer.body.error.details[0]).toMatchObject({ role: 'support' });
    }
    expect(await api.h.db.prisma.price.count({ where: { tenantId: t.tenantId } })).toBe(prices);
    expect((await ok(api.request('GET', `/v1/prices/${price.id}`, { key: support.secret }))).active).toBe(true);
    expect((await ok(api.request('GET', `/v1/products/${product.id}`, { key: support.secret }))).name).toBe('Plan');
    expect(await api.h.db.prisma.apiKey.count({ where: { tenantId: t.tenantId } })).toBe(3);
  });

  it('billing changes the catalog and customers but not keys or tenant settings; read_only reads and pays nothing', async () => {
    const t = await api.tenant();
    const billing = await keyOf(t, 'billing');
    const product = await ok(api.request('POST', '/v1/products', { key: billing.secret, body: { name: 'By billing' } }), 201);
    await ok(api.request('POST', '/v1/prices', { key: billing.secret, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 500 }, interval: { unit: 'month' } } }), 201);
    await ok(api.request('POST', '/v1/customers', { key: billing.secret, body: { currency: 'usd' } }), 201);
    for (const answer of await Promise.all([
      api.request('POST', '/v1/api-keys', { key: billing.secret, body: { name: 'x', role: 'read_only' } }),
      api.request('PUT', '/v1/billing-settings', { key: billing.secret, body: { reconcileAfterMinutes: 5 } }),
      api.request('PUT', '/v1/dunning-policy', { key: billing.secret, body: { retryOffsetsDays: [1], finalAction: 'cancel' } }),
    ])) refused(answer, 'insufficient_role');
    expect((await api.request('GET', '/v1/billing-settings', { key: billing.secret })).status).toBe(200);

    expect((await api.request('GET', '/v1/products', { key: t.readOnlyKey })).status).toBe(200);
    const pay = await api.request('POST', '/v1/invoices/in_whatever/pay', { key: t.readOnlyKey });
    refused(pay, 'insufficient_role');
    expect(pay.body.error.details[0]).toEqual({ role: 'read_only', required: ['admin', 'billing', 'support'], permission: 'collect' });
  });

  it('every route with its own permission names a real operation of the API', async () => {
    const doc = await api.request('GET', '/openapi.json');
    const operations = new Set(Object.entries(doc.body.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    expect(Object.keys(ROUTE_PERMISSIONS.entries).filter((template) => !operations.has(template))).toEqual([]);
  });
});

