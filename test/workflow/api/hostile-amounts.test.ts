import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { getStateQuery } from '../../../workflows/subscription-messages.js';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { DAY_MS } from '../../support/subscription-harness.js';

/**
 * Amounts no gateway could charge are refused where they enter (422 amount_too_large, naming the
 * field), and whatever is let in never fails or wedges a workflow: hostile prices, quantities and
 * currencies through the API, then months of workflow time, and every workflow is still Running
 * or Completed and answers its query.
 */
let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

async function tenantWithCustomer(currency = 'usd'): Promise<{ t: ApiTenant; productId: string; customerId: string }> {
  const t = await api.tenant();
  const product = await api.request('POST', '/v1/products', { key: t.key, body: { name: 'Plan' } });
  const customer = await api.request('POST', '/v1/customers', { key: t.key, body: { currency, email: 'hostile@example.com' } });
  await api.request('POST', `/v1/customers/${customer.body.id}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_card_visa' } });
  return { t, productId: product.body.id, customerId: customer.body.id };
}

const price = (t: ApiTenant, productId: string, pricing: unknown, currency = 'USD') =>
  api.request('POST', '/v1/prices', { key: t.key, body: { productId, currency, pricing, interval: { unit: 'month' } } });

describe('amounts beyond one charge are refused at the edge', () => {
  it('a unit amount of 9,007,199,254,740,991 is 422 amount_too_large naming body.pricing.unitAmount', async () => {
    const { t, productId } = await tenantWithCustomer();
    const refused = await price(t, productId, { model: 'per_unit', unitAmount: 9007199254740991 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('amount_too_large');
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'body.pricing.unitAmount', code: 'amount_too_large' })]);
  });

  it('200,000 × 1,000,000 seats (200,000,000,000 cents) is 422 naming the quantity, and leaves no subscription behind', async () => {
    const { t, productId, customerId } = await tenantWithCustomer();
    const seat = await price(t, productId, { model: 'per_unit', unitAmount: 200000 });
    expect(seat.status).toBe(201);
    const refused = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: [{ priceId: seat.body.id, quantity: 1_000_000 }] } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'amount_too_large', details: [expect.objectContaining({ field: 'body.items.0.quantity' })] });
    const list = await api.request('GET', '/v1/subscriptions', { key: t.key });
    expect(list.body.data).toEqual([]);
  });

  it('a change to an unchargeable quantity is refused by the workflow with the same rule, which keeps running', async () => {
    const { t, productId, customerId } = await tenantWithCustomer();
    const seat = await price(t, productId, { model: 'per_unit', unitAmount: 200000 });
    const created = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items: [{ priceId: seat.body.id, quantity: 1 }] } });
    expect(created.status).toBe(201);
    // Changes wait for the first invoice to be paid (an incomplete subscription refuses them).
    const handle = api.h.env.client.workflow.getHandle(subscriptionWorkflowId(created.body.id));
    for (let tries = 0; tries < 100 && (await handle.query(getStateQuery)).status !== 'active'; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    // 200,000 × 500 = 100,000,000 > 99,999,999
    const refused = await api.request('POST', `/v1/subscriptions/${created.body.id}/change`, { key: t.key, body: { items: [{ priceId: seat.body.id, quantity: 500 }] } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'amount_too_large', details: [expect.objectContaining({ field: 'body.items.0.quantity' })] });
    // 200,000 × 499 = 99,800,000 fits
    const accepted = await api.request('POST', `/v1/subscriptions/${created.body.id}/preview-change`, { key: t.key, body: { items: [{ priceId: seat.body.id, quantity: 499 }] } });
    expect(accepted.status).toBe(200);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

const amount = fc.oneof(
  fc.constantFrom(0, 1, 99, 50_000_000, 99_999_999, 100_000_000, 9007199254740991, '0.000000000001', '99999999.5', '123456789012345'),
  fc.integer({ min: 0, max: 2 ** 40 }),
);
const pricing = fc.oneof(
  amount.map((value) => ({ model: 'flat', amount: value })),
  amount.map((value) => ({ model: 'per_unit', unitAmount: value })),
  fc.tuple(amount, amount).map(([first, rest]) => ({ model: 'graduated', tiers: [{ upTo: 10, unitAmount: first }, { upTo: null, unitAmount: rest }] })),
  fc.tuple(amount, fc.integer({ min: 1, max: 1000 })).map(([value, size]) => ({ model: 'package', packageAmount: value, packageSize: size })),
);
const quantity = fc.constantFrom(1, 2, 499, 999_999, 1_000_000, 1_000_001, 0);
const currency = fc.constantFrom('USD', 'USD', 'JPY', 'EUR');

describe('hostile inputs never fail or wedge a workflow', () => {
  it('whatever is accepted runs for months and answers its query (property, through the API)', async () => {
    const started: string[] = [];
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ pricing, currency }), { minLength: 1, maxLength: 3 }), quantity, quantity, async (prices, createQuantity, changeQuantity) => {
        const { t, productId, customerId } = await tenantWithCustomer();
        const ids: string[] = [];
        for (const p of prices) {
          const created = await price(t, productId, p.pricing, p.currency);
          statuses.push(created.status);
          expect(created.status, JSON.stringify(created.body)).toBeLessThan(500);
          if (created.status === 201) ids.push(created.body.id);
        }
        const items = [...new Set(ids)].map((priceId) => ({ priceId, quantity: createQuantity }));
        if (items.length === 0) return;
        const subscription = await api.request('POST', '/v1/subscriptions', { key: t.key, body: { customerId, items } });
        statuses.push(subscription.status);
        expect(subscription.status, JSON.stringify(subscription.body)).toBeLessThan(500);
        if (subscription.status !== 201) return;
        started.push(subscription.body.id);
        const change = await api.request('POST', `/v1/subscriptions/${subscription.body.id}/change`, {
          key: t.key,
          body: { items: items.map((item) => ({ ...item, quantity: changeQuantity })), prorationBehavior: 'always_invoice' },
        });
        statuses.push(change.status);
        expect(change.status, JSON.stringify(change.body)).toBeLessThan(500);
      }),
      { numRuns: 12, seed: 20261201 },
    );
    // Both sides were exercised: some inputs refused, some subscriptions running.
    expect(statuses.some((status) => status === 422)).toBe(true);
    expect(started.length).toBeGreaterThan(0);

    await api.h.skipTo((await api.h.env.currentTimeMs()) + 65 * DAY_MS);
    for (const id of started) {
      const handle = api.h.env.client.workflow.getHandle(subscriptionWorkflowId(id));
      expect(['RUNNING', 'COMPLETED']).toContain((await handle.describe()).status.name);
      if ((await handle.describe()).status.name === 'RUNNING') {
        const view = await handle.query(getStateQuery);
        expect(view.subscriptionId).toBe(id);
      }
    }
  });
});
