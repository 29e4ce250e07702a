import { describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * How the API reads bodies, as a new user meets it: an action with no body sent as JSON means `{}`,
 * a body without a JSON Content-Type is refused saying what is expected, and every bad field is
 * named in words a person uses.
 */

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

async function activeSubscription(t: ApiTenant): Promise<{ subscriptionId: string; customerId: string; priceId: string }> {
  const customer = await api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd', email: 'bodies@example.com' } });
  await api.request('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } });
  const product = await api.request('POST', '/v1/products', { key: t.key, body: { name: 'Team' } });
  const price = await api.request('POST', '/v1/prices', { key: t.key, body: { productId: product.body.id, currency: 'USD', pricing: { model: 'flat', amount: 4900 }, interval: { unit: 'month' } } });
  const sub = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: customer.body.id, items: [{ priceId: price.body.id }] } });
  expect(sub.status).toBe(201);
  await eventually(
    () => api.request('GET', `/v1/subscriptions/${sub.body.id}?live=true`, { key: t.key }),
    (r) => r.body.status === 'active',
  );
  return { subscriptionId: sub.body.id, customerId: customer.body.id, priceId: price.body.id };
}

const JSON_HEADER = { 'content-type': 'application/json' };

describe('request bodies', () => {
  it('reads no body at all, sent as JSON, as {} for pause, resume and pay', async () => {
    const t = await api.tenant();
    const { subscriptionId } = await activeSubscription(t);
    const paused = await api.request('POST', `/v1/subscriptions/${subscriptionId}/pause`, { key: t.key, headers: JSON_HEADER });
    expect([paused.status, paused.body.status]).toEqual([200, 'paused']);
    const resumed = await api.request('POST', `/v1/subscriptions/${subscriptionId}/resume`, { key: t.key, headers: JSON_HEADER, rawBody: '' });
    expect([resumed.status, resumed.body.status]).toEqual([200, 'active']);
    const invoices = await api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}`, { key: t.key });
    const paid = invoices.body.data[0];
    // Paying a paid invoice is refused for what it is (409), not for the missing body.
    const pay = await api.request('POST', `/v1/invoices/${paid.id}/pay`, { key: t.key, headers: JSON_HEADER });
    expect(pay.status).toBe(409);
    expect(pay.body.error.code).toBe('invoice_not_open');
    // A body that is there is still read as it is.
    const malformed = await api.request('POST', `/v1/subscriptions/${subscriptionId}/pause`, { key: t.key, rawBody: '{"a":' });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_request']);
  });

  it('answers a body without a JSON Content-Type with 415 saying what to send, changing nothing', async () => {
    const t = await api.tenant();
    // curl -d sends form encoding; fetch with a string body and no header says text/plain.
    for (const headers of [{ 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain;charset=UTF-8' }]) {
      const response = await api.request('POST', '/v1/customers', { key: t.key, headers, rawBody: '{"currency":"usd"}' });
      expect(response.status).toBe(415);
      expect(response.body.error).toEqual({
        code: 'unsupported_media_type',
        message: 'Request bodies are JSON: send the header "Content-Type: application/json"',
        details: [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must be application/json' }],
      });
    }
    expect(await api.h.db.prisma.customer.count({ where: { tenantId: t.tenantId } })).toBe(0);
  });

  it('says a missing field "is required" and a fractional amount "must be a whole number of minor units"', async () => {
    const t = await api.tenant();
    const product = await api.request('POST', '/v1/products', { key: t.key, body: {} });
    expect(product.status).toBe(400);
    expect(product.body.error.details).toEqual([{ field: 'body.name', code: 'required', message: 'is required' }]);
    const customer = await api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } });
    const adjustment = await api.request('POST', `/v1/customers/${customer.body.id}/credit-balance/adjustments`, { key: t.key, body: { amount: 12.5, currency: 'USD', reason: 'goodwill' } });
    expect(adjustment.status).toBe(400);
    expect(adjustment.body.error.details).toEqual([{ field: 'body.amount', code: 'not_whole_number', message: 'must be a whole number of minor units' }]);
    const quantity = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId: customer.body.id, items: [{ priceId: 'price_x', quantity: 1.5 }] } });
    expect(quantity.body.error.details).toEqual([{ field: 'body.items.0.quantity', code: 'not_whole_number', message: 'must be a whole number' }]);
    const wrongType = await api.request('POST', '/v1/products', { key: t.key, body: { name: 7 } });
    expect(wrongType.body.error.details).toEqual([{ field: 'body.name', code: 'invalid_type', message: 'must be a string, not a number' }]);
    // A price amount may be a decimal string, so a fractional number says how to send a fraction.
    const price = await api.request('POST', '/v1/prices', {
      key: t.key,
      body: { productId: 'prod_x', currency: 'USD', pricing: { model: 'per_unit', unitAmount: 0.5 }, interval: { unit: 'month' } },
    });
    expect(price.status).toBe(400);
    expect(price.body.error.details).toEqual([
      { field: 'body.pricing.unitAmount', code: 'invalid_union', message: 'must be a non-negative whole number of minor units, or a decimal string such as "0.06" for a fraction of one' },
    ]);
    expect(price.body.error.message).toBe(`Invalid request: body.pricing.unitAmount: ${price.body.error.details[0].message}`);
  });

  it('refuses a flat price with a quantity other than 1 (422), since it is one fee whatever the count', async () => {
    const t = await api.tenant();
    const { customerId, priceId, subscriptionId } = await activeSubscription(t);
    const created = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: [{ priceId, quantity: 2 }] } });
    expect(created.status).toBe(422);
    expect(created.body.error.code).toBe('invalid_quantity');
    expect(created.body.error.details).toEqual([expect.objectContaining({ field: 'body.items.0.quantity', code: 'flat_price_quantity' })]);
    const changed = await api.request('POST', `/v1/subscriptions/${subscriptionId}/change`, { key: t.key, body: { items: [{ priceId, quantity: 3 }] } });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('invalid_quantity');
    expect(await api.h.db.prisma.subscription.count({ where: { tenantId: t.tenantId } })).toBe(1);
  });

  it('says an unknown test card is unknown, naming it, instead of asking for a new payment method', async () => {
    const t = await api.tenant();
    const customer = await api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } });
    const unknown = await api.request('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_insufficient_funds' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('payment_method_unusable');
    expect(unknown.body.error.message).toBe(
      "pm_card_insufficient_funds is not a test payment method the gateway knows; use one of Stripe's test cards (https://docs.stripe.com/testing), such as pm_card_visa",
    );
    // A real card's decline is still the issuer's answer.
    const declined = await api.request('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa_chargeDeclinedInsufficientFunds' } });
    expect([declined.status, declined.body.error.code]).toEqual([422, 'payment_method_rejected']);
  });
});
