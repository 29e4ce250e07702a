import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 1 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

describe('PaymentIntents with test payment methods', () => {
  it('pm_card_visa succeeds off-session with a charge in the ledger and the events Stripe sends', async () => {
    const customer = await h.stripe.customers.create({ email: 'a@example.com' });
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const pi = await h.stripe.paymentIntents.create({
      amount: 1999,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      confirm: true,
      off_session: true,
      metadata: { invoice_id: 'inv_1' },
    });
    expect(pi).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 1999, amount_received: 1999, livemode: false });
    expect(pi.latest_charge).toMatch(/^ch_/);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, payment_intent: pi.id, metadata: { invoice_id: 'inv_1' } });
    expect(h.sandbox.successfulChargesFor('invoice_id', 'inv_1')).toHaveLength(1);
    const types = h.sandbox.events().map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']));
  });

  it('update changes metadata any time, but what is paid only before success', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { invoice_id: 'inv_u' } });
    const updated = await h.stripe.paymentIntents.update(pi.id, { amount: 1200, payment_method: 'pm_card_visa', metadata: { attempt: '2' } });
    expect(updated).toMatchObject({ amount: 1200, status: 'requires_confirmation', metadata: { invoice_id: 'inv_u', attempt: '2' } });
    const paid = await h.stripe.paymentIntents.confirm(pi.id);
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 1200 });
    expect((await h.stripe.paymentIntents.update(pi.id, { description: 'Invoice inv_u' })).description).toBe('Invoice inv_u');
    expect((await stripeError(() => h.stripe.paymentIntents.update(pi.id, { amount: 1 }))).statusCode).toBe(400);
    expect((await stripeError(() => h.stripe.paymentIntents.update(pi.id, { amount: 5000 }))).code).toBe('payment_intent_unexpected_state');
  });

  it('lists and retrieves what reconciliation needs: PaymentIntents by customer, charges by PaymentIntent, events by type', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const a = await h.stripe.paymentIntents.create({ amount: 700, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true, off_session: true });
    const b = await h.stripe.paymentIntents.create({ amount: 800, currency: 'usd', customer: customer.id, payment_method: pm.id, confirm: true, off_session: true });
    await h.stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const listed = await h.stripe.paymentIntents.list({ customer: customer.id });
    expect(listed.data.map((pi) => pi.id)).toEqual([b.id, a.id]);
    const charges = await h.stripe.charges.list({ payment_intent: a.id });
    expect(charges.data.map((c) => c.id)).toEqual([a.latest_charge]);
    const events = await h.stripe.events.list({ type: 'payment_intent.succeeded', limit: 1 });
    expect(events.data).toHaveLength(1);
    expect(events.has_more).toBe(true);
    expect((await h.stripe.events.retrieve(events.data[0]?.id ?? '')).type).toBe('payment_intent.succeeded');
  });
});
