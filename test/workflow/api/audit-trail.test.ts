import { describe, expect, it } from 'vitest';
import { AUDITED_ROUTES } from '../../../src/api/audit/audited-routes.js';
import { useApiHarness, type ApiHarness, type ApiResponse } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * The audit trail over the real app: every mutation route is performed once (a session a tenant's
 * staff could have), then each request's audit rows are read back by its X-Request-Id — exactly
 * one, naming the key that made it — and the trail is checked for redaction.
 */
let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

async function ok<T = any>(response: Promise<ApiResponse<T>>, status = 200): Promise<ApiResponse<T>> {
  const settled = await response;
  expect(settled.status, JSON.stringify(settled.body)).toBe(status);
  return settled;
}

describe('audit trail', () => {
  it('every mutation route writes exactly one audit row naming its key, with a redacted before/after diff', async () => {
    const t = await api.tenant();
    const billing = (await ok(api.request('POST', '/v1/api-keys', { key: t.key, body: { name: 'billing ops', role: 'billing' } }), 201)).body;
    const support = (await ok(api.request('POST', '/v1/api-keys', { key: t.key, body: { name: 'helpdesk', role: 'support' } }), 201)).body;
    const [admin] = (await ok(api.request('GET', '/v1/api-keys?role=admin', { key: t.key }))).body.data;
    const keys: Record<string, { secret: string; id: string; name: string }> = {
      admin: { secret: t.key, id: admin.id, name: admin.name },
      billing: { secret: billing.secret, id: billing.id, name: 'billing ops' },
      support: { secret: support.secret, id: support.id, name: 'helpdesk' },
    };
    const performed: Array<{ template: string; requestId: string; key: string; objectId?: string }> = [
      // The two creates above, made with the admin key.
    ];
    const call = async (template: string, path: string, role: keyof typeof keys, body?: unknown, status = 200) => {
      const [method] = template.split(' ');
      const answer = await ok(api.request(method!, path, { key: keys[role]!.secret, ...(body === undefined ? {} : { body }) }), status);
      performed.push({ template, requestId: answer.headers.get('x-request-id')!, key: role });
      return answer.body;
    };

    const product = await call('POST /v1/products', '/v1/products', 'billing', { name: 'Audit plan' }, 201);
    await call('POST /v1/products/{productId}', `/v1/products/${product.id}`, 'billing', { name: 'Audit plan 2' });
    const price = await call('POST /v1/prices', '/v1/prices', 'billing', { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1000 }, interval: { unit: 'month' } }, 201);
    const upgrade = (await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 3000 }, interval: { unit: 'month' } } }), 201)).body;
    const spare = (await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1 }, interval: { unit: 'month' } } }), 201)).body;
    await call('POST /v1/prices/{priceId}/archive', `/v1/prices/${spare.id}/archive`, 'billing');
    await call('DELETE /v1/prices/{priceId}', `/v1/prices/${spare.id}`, 'billing');
    const oldProduct = (await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Retired' } }), 201)).body;
    await call('POST /v1/products/{productId}/archive', `/v1/products/${oldProduct.id}/archive`, 'billing');
    await call('DELETE /v1/products/{productId}', `/v1/products/${oldProduct.id}`, 'billing');

    const buyer = await call('POST /v1/customers', '/v1/customers', 'billing', { currency: 'usd', email: 'ada@example.com', name: 'Ada Lovelace' }, 201);
    await call('POST /v1/customers/{customerId}', `/v1/customers/${buyer.id}`, 'billing', { email: 'ada@lovelace.example', metadata: { tier: 'gold' } });
    await call('POST /v1/customers/{customerId}/payment-method-setups', `/v1/customers/${buyer.id}/payment-method-setups`, 'billing', {}, 201);
    await call('POST /v1/customers/{customerId}/default-payment-method', `/v1/customers/${buyer.id}/default-payment-method`, 'billing', { paymentMethodId: 'pm_card_visa' });
    const extra = await call('POST /v1/customers/{customerId}/invoice-items', `/v1/customers/${buyer.id}/invoice-items`, 'billing', { description: 'Workshop', unitAmount: 900 }, 201);
    await call('DELETE /v1/invoice-items/{invoiceItemId}', `/v1/invoice-items/${extra.id}`, 'billing');
    const coupon = await call('POST /v1/coupons', '/v1/coupons', 'billing', { code: 'AUDIT10', percentOff: '10', duration: 'forever' }, 201);
    const oldCoupon = (await ok(api.request('POST', '/v1/coupons', { key: t.key, body: { code: 'OLD', amountOff: 100, currency: 'USD', duration: 'once' } }), 201)).body;
    await call('POST /v1/coupons/{couponId}/archive', `/v1/coupons/${oldCoupon.id}/archive`, 'billing');
    await call('POST /v1/customers/{customerId}/discounts', `/v1/customers/${buyer.id}/discounts`, 'billing', { couponId: coupon.id }, 201);
    await call('POST /v1/customers/{customerId}/credit-balance/adjustments', `/v1/customers/${buyer.id}/credit-balance/adjustments`, 'billing', { amount: 250, currency: 'USD', reason: 'goodwill' }, 201);
    await call('PUT /v1/dunning-policy', '/v1/dunning-policy', 'admin', { retryOffsetsDays: [1, 3], finalAction: 'cancel' });
    await call('PUT /v1/billing-settings', '/v1/billing-settings', 'admin', { usageGracePeriodHours: 2 });
    const meter = await call('POST /v1/meters', '/v1/meters', 'billing', { key: 'calls', aggregation: 'count' }, 201);
    await call('POST /v1/meters/{meterId}', `/v1/meters/${meter.id}`, 'billing', { displayName: 'API calls' });
    const quota = await call('POST /v1/features', '/v1/features', 'billing', { key: 'api_calls', type: 'metered', meterId: meter.id }, 201);
    const sso = await call('POST /v1/features', '/v1/features', 'billing', { key: 'sso', type: 'boolean' }, 201);
    await call('POST /v1/products/{productId}/entitlements', `/v1/products/${product.id}/entitlements`, 'billing', { feature: 'api_calls', limit: 1000 });
    await call('POST /v1/prices/{priceId}/entitlements', `/v1/prices/${price.id}/entitlements`, 'billing', { feature: 'sso' });
    await call('DELETE /v1/prices/{priceId}/entitlements/{feature}', `/v1/prices/${price.id}/entitlements/sso`, 'billing');
    await ok(api.request('POST', `/v1/products/${product.id}/entitlements`, { key: t.key, body: { feature: 'sso' } }));
    await call('DELETE /v1/products/{productId}/entitlements/{feature}', `/v1/products/${product.id}/entitlements/sso`, 'billing');
    await call('POST /v1/features/{feature}/archive', `/v1/features/${sso.id}/archive`, 'billing');
    await call('POST /v1/meters/{meterId}/archive', `/v1/meters/${meter.id}/archive`, 'billing');

    const sub = await call('POST /v1/subscriptions', '/v1/subscriptions', 'billing', { customerId: buyer.id, items: [{ priceId: price.id }] }, 201);
    await eventually(() => api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key }), (r) => r.body.status === 'active');
    await call('POST /v1/subscriptions/{subscriptionId}/discounts', `/v1/subscriptions/${sub.id}/discounts`, 'billing', { code: 'AUDIT10' }, 201);
    await call('POST /v1/subscriptions/{subscriptionId}/entitlement-overrides', `/v1/subscriptions/${sub.id}/entitlement-overrides`, 'billing', { feature: quota.id, limit: 5000 });
    await call('DELETE /v1/subscriptions/{subscriptionId}/entitlement-overrides/{feature}', `/v1/subscriptions/${sub.id}/entitlement-overrides/${quota.id}`, 'billing');
    const alert = await call('POST /v1/subscriptions/{subscriptionId}/usage-alerts', `/v1/subscriptions/${sub.id}/usage-alerts`, 'billing', { meterId: meter.id, thresholds: [{ quantity: 1000 }] }, 201);
    await call('DELETE /v1/subscriptions/{subscriptionId}/usage-alerts/{usageAlertId}', `/v1/subscriptions/${sub.id}/usage-alerts/${alert.id}`, 'billing');
    await call('PUT /v1/subscriptions/{subscriptionId}/spend-threshold', `/v1/subscriptions/${sub.id}/spend-threshold`, 'billing', { amount: 10_000 });
    await call('POST /v1/subscriptions/{subscriptionId}/entitlement-grants', `/v1/subscriptions/${sub.id}/entitlement-grants`, 'billing', { feature: 'api_calls', quantity: 100 }, 201);
    await call('POST /v1/subscriptions/{subscriptionId}/change', `/v1/subscriptions/${sub.id}/change`, 'billing', { items: [{ priceId: upgrade.id }], effective: 'period_end' });
    await call('POST /v1/subscriptions/{subscriptionId}/pause', `/v1/subscriptions/${sub.id}/pause`, 'support');
    await call('POST /v1/subscriptions/{subscriptionId}/resume', `/v1/subscriptions/${sub.id}/resume`, 'support');
    await call('POST /v1/subscriptions/{subscriptionId}/cancel', `/v1/subscriptions/${sub.id}/cancel`, 'billing', { mode: 'period_end' });
    const paidInvoices = (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}&status=paid`, { key: t.key }))).body.data;
    const paid = paidInvoices.find((invoice: any) => invoice.total > 0);
    await call('POST /v1/invoices/{invoiceId}/credit-notes', `/v1/invoices/${paid.id}/credit-notes`, 'billing', { amount: 100, reason: 'other', outcome: 'credit_balance' }, 201);

    // A declined first invoice: support charges it again, then voids it.
    const failing = (await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 201)).body;
    await ok(api.request('POST', `/v1/customers/${failing.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_chargeCustomerFail' } }));
    const declining = (await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: failing.id, items: [{ priceId: price.id }] } }), 201)).body;
    const open = await eventually(
      async () => (await api.request('GET', `/v1/invoices?subscriptionId=${declining.id}`, { key: t.key })).body.data[0],
      (invoice: any) => invoice?.attemptCount === 1,
    );
    await call('POST /v1/invoices/{invoiceId}/pay', `/v1/invoices/${open.id}/pay`, 'support');
    await call('POST /v1/invoices/{invoiceId}/void', `/v1/invoices/${open.id}/void`, 'support');

    await call('POST /v1/invoices', '/v1/invoices', 'billing', { customerId: buyer.id, items: [{ description: 'Workshop day', unitAmount: 30_000 }] }, 201);

    const reader = await call('POST /v1/api-keys', '/v1/api-keys', 'admin', { name: 'dashboards', role: 'read_only' }, 201);
    await call('POST /v1/api-keys/{apiKeyId}/rotate', `/v1/api-keys/${reader.id}/rotate`, 'admin', undefined, 201);
    await call('POST /v1/api-keys/{apiKeyId}/revoke', `/v1/api-keys/${support.id}/revoke`, 'admin');

    const endpoint = await call('POST /v1/webhook-endpoints', '/v1/webhook-endpoints', 'admin', { url: 'https://93.184.215.14/hooks', eventTypes: ['invoice.*'] }, 201);
    await call('PATCH /v1/webhook-endpoints/{webhookEndpointId}', `/v1/webhook-endpoints/${endpoint.id}`, 'admin', { description: 'ERP' });
    await call('POST /v1/webhook-endpoints/{webhookEndpointId}/rotate-secret', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, 'admin', {});
    await call('DELETE /v1/webhook-endpoints/{webhookEndpointId}', `/v1/webhook-endpoints/${endpoint.id}`, 'admin');
    await call('PUT /v1/email-templates/{kind}', '/v1/email-templates/payment_failed', 'admin', { subject: 'Payment failed for {{invoice.number}}' });
    await call('DELETE /v1/email-templates/{kind}', '/v1/email-templates/payment_failed', 'admin');

    // Every audited route was performed.
    const audited = Object.entries(AUDITED_ROUTES.entries).filter(([, spec]) => spec !== null).map(([template]) => template);
    expect([...new Set(performed.map((p) => p.template))].sort()).toEqual(audited.sort());

    for (const p of performed) {
      const rows = (await ok(api.request('GET', `/v1/audit-events?requestId=${encodeURIComponent(p.requestId)}`, { key: t.key }))).body.data;
      expect(rows, `${p.template}: ${JSON.stringify(rows)}`).toHaveLength(1);
      const spec = AUDITED_ROUTES.entries[p.template]!;
      expect(rows[0], p.template).toMatchObject({
        object: 'audit_event',
        action: spec.action,
        objectType: spec.object,
        outcome: 'recorded',
        actor: { type: 'api_key', apiKeyId: keys[p.key]!.id, apiKeyName: keys[p.key]!.name },
        requestId: p.requestId,
      });
      expect(rows[0].objectId, p.template).not.toBe('');
    }

    // The customer's trail: created, then its email changed — shown as changed, never in clear.
    const trail = (await ok(api.request('GET', `/v1/audit-events?objectType=customer&objectId=${buyer.id}`, { key: t.key }))).body.data;
    expect(trail.map((e: any) => e.action).reverse()).toEqual(['customer.created', 'customer.updated', 'customer.payment_method_setup_started', 'customer.default_payment_method_set']);
    const updated = trail.find((e: any) => e.action === 'customer.updated');
    expect(updated.changes).toEqual(expect.arrayContaining([{ path: 'email', from: '[redacted]', to: '[redacted]' }, { path: 'metadata.tier', from: null, to: 'gold' }]));
    expect(updated.before.name).toBe('[redacted]');
    const everything = JSON.stringify(await api.h.db.prisma.auditLogEntry.findMany({ where: { tenantId: t.tenantId } }));
    for (const secret of ['ada@example.com', 'ada@lovelace.example', 'Ada Lovelace', billing.secret, support.secret, reader.secret]) expect(everything).not.toContain(secret);

    // What a plan grants is diffed by feature.
    const granted = (await ok(api.request('GET', `/v1/audit-events?action=product.entitlement_set`, { key: t.key }))).body.data;
    expect(granted.map((e: any) => e.changes).reverse()).toEqual([
      [{ path: 'api_calls.granted', from: null, to: true }, { path: 'api_calls.limit', from: null, to: '1000' }],
      [{ path: 'sso.granted', from: null, to: true }],
    ]);
    // A product's name is not personal data: its rename reads in clear.
    const renamed = (await ok(api.request('GET', `/v1/audit-events?action=product.updated`, { key: t.key }))).body.data[0];
    expect(renamed.changes).toEqual([{ path: 'name', from: 'Audit plan', to: 'Audit plan 2' }]);
    const voided = (await ok(api.request('GET', `/v1/audit-events?objectId=${open.id}&action=invoice.voided`, { key: t.key }))).body.data[0];
    expect(voided.changes).toEqual(expect.arrayContaining([{ path: 'status', from: 'open', to: 'void' }]));
    // Filters by actor and time.
    const bySupport = (await ok(api.request('GET', `/v1/audit-events?actor=${support.id}&limit=100`, { key: t.key }))).body.data;
    expect(bySupport.map((e: any) => e.action).sort()).toEqual(['invoice.payment_requested', 'invoice.voided', 'subscription.paused', 'subscription.resumed']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await ok(api.request('GET', `/v1/audit-events?createdFrom=${future}`, { key: t.key }))).body.data).toEqual([]);
    // What the subscription's workflow did on its own is there too, as the system.
    const byWorkflow = (await ok(api.request('GET', `/v1/audit-events?actor=${encodeURIComponent(`workflow:subscription:${sub.id}`)}&limit=100`, { key: t.key }))).body.data;
    expect(byWorkflow.length).toBeGreaterThan(0);
    expect(byWorkflow[0]).toMatchObject({ objectType: 'subscription', objectId: sub.id, actor: { type: 'system', workflowId: `subscription:${sub.id}`, apiKeyId: null }, requestId: null });
    const one = await ok(api.request('GET', `/v1/audit-events/${renamed.id}`, { key: t.key }));
    expect(one.body).toEqual(renamed);
  });

  it('a refused mutation writes nothing, and a replayed one writes nothing more', async () => {
    const t = await api.tenant();
    const before = await api.h.db.prisma.auditLogEntry.count({ where: { tenantId: t.tenantId } });
    expect((await api.request('POST', '/v1/prices', { key: t.key, body: { productId: 'prod_missing', currency: 'USD', pricing: { model: 'flat', amount: 1 }, interval: { unit: 'month' } } })).status).toBe(404);
    expect((await api.request('POST', '/v1/products', { key: t.readOnlyKey, body: { name: 'x' } })).status).toBe(403);
    expect(await api.h.db.prisma.auditLogEntry.count({ where: { tenantId: t.tenantId } })).toBe(before);
    await ok(api.request('POST', '/v1/products', { key: t.key, idempotencyKey: 'p-1', body: { name: 'Once' } }), 201);
    const replay = await api.request('POST', '/v1/products', { key: t.key, idempotencyKey: 'p-1', body: { name: 'Once' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await api.h.db.prisma.auditLogEntry.count({ where: { tenantId: t.tenantId, action: 'product.created' } })).toBe(1);
  });
});
