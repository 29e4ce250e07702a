import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 13 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

describe('customers and their payment methods', () => {
  it('creates with a payment method and metadata, updates fields, and reports previous_attributes', async () => {
    const customer = await h.stripe.customers.create({ email: 'a@example.com', name: 'Ada', metadata: { tenant_id: 'ten_1' }, payment_method: 'pm_card_visa' });
    const methods = await h.stripe.customers.listPaymentMethods(customer.id);
    expect(methods.data).toHaveLength(1);
    const updated = await h.stripe.customers.update(customer.id, {
      email: 'b@example.com',
      metadata: { tenant_id: '', plan: 'pro' },
      invoice_settings: { default_payment_method: methods.data[0]?.id ?? '' },
    });
    expect(updated).toMatchObject({ email: 'b@example.com', metadata: { plan: 'pro' }, invoice_settings: { default_payment_method: methods.data[0]?.id } });
    const event = h.sandbox.events().find((e) => e.type === 'customer.updated');
    expect(event?.data.previous_attributes).toMatchObject({ email: 'a@example.com', metadata: { tenant_id: 'ten_1' } });
  });

  it('detaching the default payment method clears the invoice default', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const detached = await h.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    expect((await h.stripe.customers.retrieve(customer.id)) as unknown).toMatchObject({ invoice_settings: { default_payment_method: null } });
    expect(h.sandbox.events().map((e) => e.type)).toContain('payment_method.detached');
    expect((await stripeError(() => h.stripe.paymentMethods.detach(pm.id))).statusCode).toBe(400);
    // Stripe never lets a detached method be attached or used again.
    expect((await stripeError(() => h.stripe.paymentMethods.attach(pm.id, { customer: customer.id }))).statusCode).toBe(400);
  });

  it('a method attached to one customer cannot be attached to another', async () => {
    const a = await h.stripe.customers.create({});
    const b = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: a.id });
    expect((await h.stripe.paymentMethods.attach(pm.id, { customer: a.id })).id).toBe(pm.id);
    expect((await stripeError(() => h.stripe.paymentMethods.attach(pm.id, { customer: b.id }))).statusCode).toBe(400);
    expect((await stripeError(() => h.stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }))).statusCode).toBe(404);
  });
});
