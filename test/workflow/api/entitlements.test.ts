import { describe, expect, it } from 'vitest';
import { ok, refused } from '../../support/api-expect.js';
import { EntitlementCache } from '../../../src/billing/entitlements/entitlement-cache.js';
import { recordUsageEvents } from '../../../src/billing/usage/record-usage-events.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually, utc } from '../../support/subscription-harness.js';

/**
 * Entitlements over HTTP against the real parts: features, what plans grant, overrides and extra
 * quota, and the check — which must agree with the usage the invoice bills (same meter, same
 * events, same period) and see every write at once, through the cache.
 */
let api: ApiHarness;
let Y: number;
useApiHarness((harness, year) => {
  api = harness;
  Y = year;
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const iso = (ms: number) => new Date(ms).toISOString();
let sequence = 0;
const calls = (customerId: string, count: number, at: number) =>
  Array.from({ length: count }, (_, i) => ({ transactionId: `ent-${++sequence}`, eventName: 'api_calls', customerId, timestamp: iso(at + (i % 50) * MINUTE) }));

/** `count` calls from `at` on (one a minute, 50 at most in a row), once the clock has passed them. */
async function ingest(t: ApiTenant, customerId: string, count: number, at: number): Promise<void> {
  await api.h.skipTo(at + 50 * MINUTE);
  for (let done = 0; done < count; done += 1000) {
    const body = await ok(api.request('POST', '/v1/usage-events/batch', { key: t.key, body: { events: calls(customerId, Math.min(1000, count - done), at) } }), 202);
    expect(body.accepted, JSON.stringify(body.results.slice(0, 2))).toBe(Math.min(1000, count - done));
  }
}

async function customer(t: ApiTenant, paymentMethodId = 'pm_card_visa') {
  const created = await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'quota@example.com', name: 'Quota' } }), 201);
  await ok(api.request('POST', `/v1/customers/${created.id}/default-payment-method`, { key: t.key, body: { paymentMethodId } }));
  return created;
}

/** A meter of API calls, and a product with a flat monthly price. */
async function catalog(t: ApiTenant, name: string, amount: number, meterId?: string) {
  const product = await ok(api.request('POST', '/v1/products', { key: t.key, body: { name } }), 201);
  const price = await ok(api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount }, interval: { unit: 'month' } } }), 201);
  return { product, price, meterId };
}

const check = (t: ApiTenant, customerId: string, feature: string) => ok(api.request('GET', `/v1/customers/${customerId}/entitlements/${feature}`, { key: t.key }));

async function subscribe(t: ApiTenant, customerId: string, priceIds: string[], start: number) {
  await api.h.skipTo(start - HOUR);
  const sub = await ok(api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: priceIds.map((priceId) => ({ priceId })), startAt: iso(start) } }), 201);
  await api.h.skipTo(start + HOUR);
  await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'active');
  return sub;
}

describe('features over HTTP', () => {
  it('creates each type, reads by id or key, lists, archives; refuses a taken key, misplaced fields and an unknown meter', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    const sso = await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'sso', name: 'Single sign-on', type: 'boolean' } }), 201);
    expect(sso).toMatchObject({ object: 'feature', key: 'sso', name: 'Single sign-on', type: 'boolean', meterId: null, usagePeriod: null, enforcement: null, active: true });
    const quota = await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id } }), 201);
    // A metered feature defaults to the billing period and a hard limit.
    expect(quota).toMatchObject({ type: 'metered', meterId: meter.id, usagePeriod: 'billing_period', enforcement: 'hard', name: 'api_calls' });
    const daily = await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'exports.daily', type: 'metered', meterId: meter.id, usagePeriod: 'day', enforcement: 'soft' } }), 201);
    expect([daily.usagePeriod, daily.enforcement]).toEqual(['day', 'soft']);

    await refused(api.request('POST', '/v1/features', { key: t.key, body: { key: 'sso', type: 'boolean' } }), 409, 'feature_key_taken');
    const misplaced = await refused(api.request('POST', '/v1/features', { key: t.key, body: { key: 'projects', type: 'static', meterId: meter.id, enforcement: 'hard' } }), 400, 'invalid_request');
    expect(misplaced.details.map((d: any) => d.field).sort()).toEqual(['body.enforcement', 'body.meterId']);
    const noMeter = await refused(api.request('POST', '/v1/features', { key: t.key, body: { key: 'tokens', type: 'metered' } }), 400, 'invalid_request');
    expect(noMeter.details.map((d: any) => d.field)).toEqual(['body.meterId']);
    await refused(api.request('POST', '/v1/features', { key: t.key, body: { key: 'tokens', type: 'metered', meterId: 'meter_nope' } }), 404, 'meter_not_found');
    const malformed = await api.request('POST', '/v1/features', { key: t.key, body: { key: 'has space', type: 'quota' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.map((d: any) => d.field).sort()).toEqual(['body.key', 'body.type']);
    // The same Idempotency-Key gives back the same feature.
    const first = await ok(api.request('POST', '/v1/features', { key: t.key, idempotencyKey: 'f-1', body: { key: 'seats', type: 'static' } }), 201);
    expect((await ok(api.request('POST', '/v1/features', { key: t.key, idempotencyKey: 'f-1', body: { key: 'seats', type: 'static' } }), 201)).id).toBe(first.id);

    expect(await ok(api.request('GET', `/v1/features/sso`, { key: t.key }))).toEqual(sso);
    expect(await ok(api.request('GET', `/v1/features/${quota.id}`, { key: t.key }))).toEqual(quota);
    expect((await ok(api.request('GET', '/v1/features?type=metered', { key: t.key }))).data.map((f: any) => f.key)).toEqual(['exports.daily', 'api_calls']);
    const archived = await ok(api.request('POST', `/v1/features/${daily.id}/archive`, { key: t.key }));
    expect(archived.active).toBe(false);
    expect((await ok(api.request('GET', '/v1/features?active=true', { key: t.key }))).data.map((f: any) => f.key)).toEqual(['seats', 'api_calls', 'sso']);
    await refused(api.request('GET', '/v1/features/nope', { key: t.key }), 404, 'feature_not_found');
    const other = await api.tenant();
    await refused(api.request('GET', `/v1/features/${sso.id}`, { key: other.key }), 404, 'feature_not_found');
    expect((await api.request('POST', '/v1/features', { key: t.readOnlyKey, body: { key: 'x', type: 'boolean' } })).status).toBe(403);
  });

  it('plan entitlements fit their feature: a value for static, a limit for metered, neither for boolean; set again replaces', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'sso', type: 'boolean' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'projects', type: 'static' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id } }), 201);
    const { product, price } = await catalog(t, 'Team', 2500);
    const path = `/v1/products/${product.id}/entitlements`;
    const wrong = await refused(api.request('POST', path, { key: t.key, body: { feature: 'sso', limit: 10 } }), 422, 'invalid_entitlement');
    expect(wrong.details).toMatchObject([{ field: 'body.limit', message: 'a boolean feature has no limit' }]);
    await refused(api.request('POST', path, { key: t.key, body: { feature: 'projects' } }), 422, 'invalid_entitlement');
    await refused(api.request('POST', path, { key: t.key, body: { feature: 'api_calls' } }), 422, 'invalid_entitlement');
    await refused(api.request('POST', path, { key: t.key, body: { feature: 'api_calls', limit: '-1' } }), 400, 'invalid_request');
    await refused(api.request('POST', path, { key: t.key, body: { feature: 'nope' } }), 404, 'feature_not_found');
    await refused(api.request('POST', '/v1/products/prod_nope/entitlements', { key: t.key, body: { feature: 'sso' } }), 404, 'product_not_found');

    await ok(api.request('POST', path, { key: t.key, body: { feature: 'sso' } }));
    await ok(api.request('POST', path, { key: t.key, body: { feature: 'projects', value: { max: 3 } } }));
    const set = await ok(api.request('POST', path, { key: t.key, body: { feature: 'api_calls', limit: 1000 } }));
    expect(set).toMatchObject({ object: 'plan_entitlement', featureKey: 'api_calls', productId: product.id, priceId: null, limit: '1000', value: null });
    const again = await ok(api.request('POST', path, { key: t.key, body: { feature: 'api_calls', limit: '2500.5' } }));
    expect([again.id, again.limit]).toEqual([set.id, '2500.5']);
    await ok(api.request('POST', `/v1/prices/${price.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: null } }));
    const listed = await ok(api.request('GET', path, { key: t.key }));
    expect(listed.data.map((e: any) => [e.featureKey, e.value, e.limit])).toEqual([
      ['api_calls', null, '2500.5'],
      ['projects', { max: 3 }, null],
      ['sso', null, null],
    ]);
    expect((await ok(api.request('GET', `/v1/prices/${price.id}/entitlements`, { key: t.key }))).data.map((e: any) => [e.featureKey, e.limit])).toEqual([['api_calls', null]]);
    const removed = await ok(api.request('DELETE', `${path}/sso`, { key: t.key }));
    expect(removed.featureKey).toBe('sso');
    await refused(api.request('DELETE', `${path}/sso`, { key: t.key }), 404, 'entitlement_not_found');
    // An archived feature can no longer be granted.
    await ok(api.request('POST', '/v1/features/sso/archive', { key: t.key }));
    await refused(api.request('POST', path, { key: t.key, body: { feature: 'sso' } }), 409, 'feature_archived');
  });
});

describe('the entitlement check', () => {
  it('a hard API-call quota allows up to the limit, denies exactly at it, and resets at the period boundary; extra quota lasts one period', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    const quota = await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'sso', type: 'boolean' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'projects', type: 'static' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'audit_log', type: 'boolean' } }), 201);
    const starter = await catalog(t, 'Starter', 1000);
    for (const body of [{ feature: 'api_calls', limit: 100 }, { feature: 'sso' }, { feature: 'projects', value: 3 }]) {
      await ok(api.request('POST', `/v1/products/${starter.product.id}/entitlements`, { key: t.key, body }));
    }
    const buyer = await customer(t);
    // Before any subscription: nothing granted, usage still reported (none).
    expect(await check(t, buyer.id, 'sso')).toMatchObject({ hasAccess: false });
    const march = utc(Y + 1, 3, 1);
    const april = utc(Y + 1, 4, 1);
    const may = utc(Y + 1, 5, 1);
    const sub = await subscribe(t, buyer.id, [starter.price.id], march);

    expect(await check(t, buyer.id, 'api_calls')).toEqual({
      object: 'entitlement',
      customerId: buyer.id,
      featureId: quota.id,
      featureKey: 'api_calls',
      type: 'metered',
      hasAccess: true,
      value: null,
      limit: '100',
      usage: '0',
      remaining: '100',
      overage: '0',
      resetsAt: iso(april),
      soft: false,
    });
    // 99 calls: 100 − 99 = 1 left.
    await ingest(t, buyer.id, 99, march + 2 * HOUR);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, usage: '99', remaining: '1' });
    // The 100th: usage reaches the limit, and the very next check denies.
    await ingest(t, buyer.id, 1, march + 3 * HOUR);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: false, usage: '100', remaining: '0', overage: '0' });
    // Events past the limit are still counted (and billed, if a price meters them): 105 − 100 = 5 over.
    await ingest(t, buyer.id, 5, march + 4 * HOUR);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: false, usage: '105', overage: '5' });

    // All features at once, by key; a feature no plan grants answers no.
    const all = await ok(api.request('GET', `/v1/customers/${buyer.id}/entitlements`, { key: t.key }));
    expect(all.data.map((e: any) => [e.featureKey, e.hasAccess, e.value, e.limit])).toEqual([
      ['api_calls', false, null, '100'],
      ['audit_log', false, null, null],
      ['projects', true, 3, null],
      ['sso', true, null, null],
    ]);

    // Extra quota for this period: 100 + 50 = 150, 150 − 105 = 45 left.
    const grant = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-grants`, { key: t.key, idempotencyKey: 'grant-1', body: { feature: 'api_calls', quantity: 50, reason: 'launch week' } }), 201);
    expect(grant).toMatchObject({ object: 'entitlement_grant', featureKey: 'api_calls', quantity: '50', periodStart: iso(march), periodEnd: iso(april), reason: 'launch week' });
    // A retried grant with the same key adds nothing.
    expect((await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-grants`, { key: t.key, idempotencyKey: 'grant-1', body: { feature: 'api_calls', quantity: 50, reason: 'launch week' } }), 201)).id).toBe(grant.id);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, limit: '150', remaining: '45' });
    await refused(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-grants`, { key: t.key, body: { feature: 'sso', quantity: 5 } }), 422, 'invalid_entitlement');

    // April: usage starts again from zero, the extra quota is gone, the period is April's.
    await api.h.skipTo(april + 3 * HOUR);
    await eventually(() => check(t, buyer.id, 'api_calls'), (e) => e.resetsAt === iso(may));
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, limit: '100', usage: '0', remaining: '100', resetsAt: iso(may) });
    expect((await ok(api.request('GET', `/v1/subscriptions/${sub.id}/entitlement-grants`, { key: t.key }))).data).toHaveLength(1);
    // March's 105 calls were billed in arrears on April's invoice only if a price meters them; this plan has none:
    // the invoice is the flat fee alone.
    const invoices = (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}&limit=10`, { key: t.key }))).data;
    expect(invoices.map((i: any) => i.total)).toEqual([1000, 1000]);

    // Overrides: a higher limit, a revoked feature, a grant the plan lacks — then removed again.
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key, body: { feature: 'api_calls', limit: '1000' } }));
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key, body: { feature: 'sso', hasAccess: false } }));
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key, body: { feature: 'audit_log' } }));
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key, body: { feature: 'projects', value: 10 } }));
    await refused(api.request('POST', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key, body: { feature: 'sso', limit: 5 } }), 422, 'invalid_entitlement');
    const overridden = await ok(api.request('GET', `/v1/customers/${buyer.id}/entitlements`, { key: t.key }));
    expect(overridden.data.map((e: any) => [e.featureKey, e.hasAccess, e.value, e.limit])).toEqual([
      ['api_calls', true, null, '1000'],
      ['audit_log', true, null, null],
      ['projects', true, 10, null],
      ['sso', false, null, null],
    ]);
    expect((await ok(api.request('GET', `/v1/subscriptions/${sub.id}/entitlement-overrides`, { key: t.key }))).data.map((o: any) => o.featureKey)).toEqual(['api_calls', 'audit_log', 'projects', 'sso']);
    await ok(api.request('DELETE', `/v1/subscriptions/${sub.id}/entitlement-overrides/sso`, { key: t.key }));
    await refused(api.request('DELETE', `/v1/subscriptions/${sub.id}/entitlement-overrides/sso`, { key: t.key }), 404, 'entitlement_override_not_found');
    expect(await check(t, buyer.id, 'sso')).toMatchObject({ hasAccess: true });

    // Tenant isolation and the unknowns.
    const other = await api.tenant();
    await refused(api.request('GET', `/v1/customers/${buyer.id}/entitlements/api_calls`, { key: other.key }), 404, 'customer_not_found');
    await refused(api.request('GET', `/v1/customers/${buyer.id}/entitlements/nope`, { key: t.key }), 404, 'feature_not_found');
    expect((await api.request('GET', `/v1/customers/${buyer.id}/entitlements/api_calls`, { key: t.readOnlyKey })).status).toBe(200);
    // Archiving a feature turns it off for everyone at once.
    await ok(api.request('POST', '/v1/features/audit_log/archive', { key: t.key }));
    expect(await check(t, buyer.id, 'audit_log')).toMatchObject({ hasAccess: false });
  });

  it('a soft quota keeps allowing, reports the overage, and the metered price bills it', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id, enforcement: 'soft' } }), 201);
    const plan = await catalog(t, 'Growth', 1000);
    // 1,000 calls included (the first tier is free), then 1¢ a call.
    const overage = await ok(
      api.request('POST', '/v1/prices', {
        key: t.key,
        body: {
          productId: plan.product.id,
          currency: 'USD',
          pricing: { model: 'graduated', tiers: [{ upTo: 1000, unitAmount: 0 }, { upTo: null, unitAmount: 1 }] },
          interval: { unit: 'month' },
          usageType: 'metered',
          meterId: meter.id,
        },
      }),
      201,
    );
    await ok(api.request('POST', `/v1/products/${plan.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 1000 } }));
    const buyer = await customer(t);
    const june = utc(Y + 1, 6, 1);
    const july = utc(Y + 1, 7, 1);
    const sub = await subscribe(t, buyer.id, [plan.price.id, overage.id], june);
    await ingest(t, buyer.id, 1250, june + 2 * HOUR);
    // 1,250 − 1,000 = 250 over, still allowed.
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, soft: true, usage: '1250', remaining: '0', overage: '250' });
    // The usage the check counted is the usage the subscription bills.
    const usage = await ok(api.request('GET', `/v1/subscriptions/${sub.id}/usage`, { key: t.key }));
    expect(usage.meters.map((m: any) => [m.meterId, m.quantity, m.amount])).toEqual([[meter.id, '1250', 250]]);
    // July 1 (after the 1-hour grace): July's fee in advance and June's overage in arrears:
    // 1000 + (1250 − 1000) × 1¢ = 1000 + 250 = 1250.
    await api.h.skipTo(july + 2 * HOUR);
    const invoices = await eventually(
      async () => (await ok(api.request('GET', `/v1/invoices?subscriptionId=${sub.id}&limit=10`, { key: t.key }))).data,
      (list: any[]) => list.length === 2 && list[0].status === 'paid',
    );
    const renewal = await ok(api.request('GET', `/v1/invoices/${invoices[0].id}`, { key: t.key }));
    expect(renewal.lines.map((l: any) => [l.kind, l.amount, l.usageQuantity])).toEqual([
      ['recurring', 1000, null],
      ['usage', 250, '1250'],
    ]);
    expect(renewal.total).toBe(1250);
  });

  it('an upgrade raises the limit only once it is paid: a declined upgrade leaves the old plan’s limit', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id } }), 201);
    const starter = await catalog(t, 'Starter', 1000);
    const pro = await catalog(t, 'Pro', 5000);
    await ok(api.request('POST', `/v1/products/${starter.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 100 } }));
    await ok(api.request('POST', `/v1/products/${pro.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 10000 } }));
    const buyer = await customer(t);
    const august = utc(Y + 1, 8, 1);
    const sub = await subscribe(t, buyer.id, [starter.price.id], august);
    await ingest(t, buyer.id, 100, august + 2 * HOUR);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: false, limit: '100' });

    // The card now declines: the upgrade's proration invoice fails, the plan and its limit stay.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_chargeCustomerFail' } }));
    await api.h.skipTo(august + 10 * 24 * HOUR);
    const declined = await ok(
      api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'up-declined', body: { items: [{ priceId: pro.price.id }], prorationBehavior: 'always_invoice' } }),
    );
    expect(declined.status).toBe('payment_failed');
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: false, limit: '100' });

    // A working card, the same upgrade: paid, applied, and the new limit holds from that instant.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } }));
    const paid = await ok(
      api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'up-paid', body: { items: [{ priceId: pro.price.id }], prorationBehavior: 'always_invoice' } }),
    );
    expect(paid.status).toBe('applied');
    // 10,000 − 100 = 9,900 left in the same period.
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, limit: '10000', usage: '100', remaining: '9900' });
  });

  it('a downgrade changes the limit at the period end; past_due keeps access during dunning; a cancel ends it', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'sso', type: 'boolean' } }), 201);
    const starter = await catalog(t, 'Starter', 1000);
    const pro = await catalog(t, 'Pro', 5000);
    await ok(api.request('POST', `/v1/products/${starter.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 100 } }));
    await ok(api.request('POST', `/v1/products/${pro.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 10000 } }));
    await ok(api.request('POST', `/v1/products/${pro.product.id}/entitlements`, { key: t.key, body: { feature: 'sso' } }));
    const buyer = await customer(t);
    const october = utc(Y + 1, 10, 1);
    const november = utc(Y + 1, 11, 1);
    const december = utc(Y + 1, 12, 1);
    const sub = await subscribe(t, buyer.id, [pro.price.id], october);
    // A downgrade waits for the period end: Pro's entitlements hold until then.
    await api.h.skipTo(october + 10 * 24 * HOUR);
    const scheduled = await ok(api.request('POST', `/v1/subscriptions/${sub.id}/change`, { key: t.key, idempotencyKey: 'down', body: { items: [{ priceId: starter.price.id }] } }));
    expect(scheduled.status).toBe('scheduled');
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ limit: '10000', resetsAt: iso(november) });
    expect(await check(t, buyer.id, 'sso')).toMatchObject({ hasAccess: true });
    // The card fails from now on: November's renewal is declined and the subscription goes past_due.
    await ok(api.request('POST', `/v1/customers/${buyer.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_chargeCustomerFail' } }));
    await api.h.skipTo(november + HOUR);
    await eventually(() => ok(api.request('GET', `/v1/subscriptions/${sub.id}`, { key: t.key })), (s) => s.status === 'past_due');
    // Starter from November 1, and access continues while payment is retried.
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: true, limit: '100', usage: '0', resetsAt: iso(december) });
    expect(await check(t, buyer.id, 'sso')).toMatchObject({ hasAccess: false });
    // Canceled now: nothing granted any more.
    await ok(api.request('POST', `/v1/subscriptions/${sub.id}/cancel`, { key: t.key, body: { mode: 'now' } }));
    await eventually(() => check(t, buyer.id, 'api_calls'), (e) => e.hasAccess === false);
    expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ hasAccess: false, limit: null });
  });

  it('serves repeated checks from the cache, and drops a customer’s answers when another process’s write commits', async () => {
    const t = await api.tenant();
    const meter = await ok(api.request('POST', '/v1/meters', { key: t.key, body: { key: 'api_calls', aggregation: 'count' } }), 201);
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'api_calls', type: 'metered', meterId: meter.id, usagePeriod: 'day' } }), 201);
    const plan = await catalog(t, 'Daily', 1000);
    await ok(api.request('POST', `/v1/products/${plan.product.id}/entitlements`, { key: t.key, body: { feature: 'api_calls', limit: 10 } }));
    const buyer = await customer(t);
    const start = utc(Y + 2, 1, 1);
    await subscribe(t, buyer.id, [plan.price.id], start);
    await eventually(() => Promise.resolve(api.entitlements.isLive), (live) => live);
    await check(t, buyer.id, 'api_calls');
    const before = api.entitlements.stats;
    for (let i = 0; i < 5; i++) expect(await check(t, buyer.id, 'api_calls')).toMatchObject({ usage: '0', resetsAt: iso(start + 24 * HOUR) });
    expect(api.entitlements.stats.hits - before.hits).toBe(5);
    // A cache never live (ENTITLEMENT_CACHE=off, or its listener down) reads PostgreSQL every time, with the same answer.
    const off = await new EntitlementCache().feature(api.h.db.prisma, { tenantId: t.tenantId, customerId: buyer.id, featureKey: 'api_calls', now: await api.h.env.currentTimeMs() });
    expect(off.source).toBe('off');
    expect(off.answer).toEqual(await check(t, buyer.id, 'api_calls'));
    // The answer says where it came from.
    expect((await api.request('GET', `/v1/customers/${buyer.id}/entitlements/api_calls`, { key: t.key })).headers.get('entitlement-cache')).toBe('hit');
    expect(api.entitlements.stats.misses).toBe(before.misses);
    // A grant written straight to PostgreSQL by another process (here: this test, outside the API) —
    // only its NOTIFY reaches this process's cache.
    const subscription = await api.h.db.prisma.subscription.findFirstOrThrow({ where: { tenantId: t.tenantId, customerId: buyer.id } });
    const feature = await api.h.db.prisma.feature.findFirstOrThrow({ where: { tenantId: t.tenantId, key: 'api_calls' } });
    await api.h.db.prisma.$transaction(async (tx) => {
      await tx.entitlementGrant.create({ data: { id: `egrant_direct_${Date.now()}`, tenantId: t.tenantId, subscriptionId: subscription.id, featureId: feature.id, quantity: 5, periodStart: new Date(start), periodEnd: new Date(start + 24 * HOUR) } });
      await tx.$executeRaw`SELECT pg_notify('entitlements_changed', ${`plan:${t.tenantId}:${buyer.id}`})`;
    });
    // 10 + 5 = 15.
    await eventually(() => check(t, buyer.id, 'api_calls'), (e) => e.limit === '15');
    // Usage stored by another process (the ingestion operation itself, not this API's route): the
    // statement's own NOTIFY drops the customer's usage, and only the usage is read again.
    const plansBefore = api.entitlements.stats.entries;
    await recordUsageEvents(api.h.db.prisma, { tenantId: t.tenantId, events: [1, 2, 3].map((n) => ({ transactionId: `direct-${n}`, eventName: 'api_calls', customerId: buyer.id, timestamp: start + HOUR + n, properties: {} })), now: start + 2 * HOUR });
    await eventually(() => check(t, buyer.id, 'api_calls'), (e) => e.usage === '3' && e.remaining === '12');
    expect(api.entitlements.stats.entries).toBe(plansBefore);
    expect((await api.request('GET', `/v1/customers/${buyer.id}/entitlements/api_calls`, { key: t.key })).headers.get('entitlement-cache')).toBe('hit');
  });
});
