import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxHarness, startSandbox, stripeError } from './sandbox-harness.js';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandbox({ seed: 9 });
});
afterAll(async () => h.close());
beforeEach(() => h.sandbox.reset());

const paid = () => h.stripe.paymentIntents.create({ amount: 10_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });

describe('refunds', () => {
  it('partial then the rest: amount_refunded accumulates, refunded flips, charge.refunded each time', async () => {
    const pi = await paid();
    const partial = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 2_500, reason: 'requested_by_customer', metadata: { credit_note: 'cn_1' } });
    expect(partial).toMatchObject({ object: 'refund', status: 'succeeded', amount: 2_500, charge: pi.latest_charge, payment_intent: pi.id });
    let charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 2_500, refunded: false });
    // Without an amount Stripe refunds what remains: 10000 - 2500 = 7500.
    const rest = await h.stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(7_500);
    charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 10_000, refunded: true });
    expect(h.sandbox.ledger()).toMatchObject([{ refundedAmount: 10_000 }]);
    const refundedEvents = h.sandbox.events().filter((e) => e.type === 'charge.refunded');
    expect(refundedEvents.map((e) => (e.data.object as unknown as Stripe.Charge).amount_refunded)).toEqual([2_500, 10_000]);
    expect((await h.stripe.refunds.retrieve(partial.id)).metadata).toEqual({ credit_note: 'cn_1' });
  });

  it('refunding more than remains is refused; a fully refunded charge is charge_already_refunded', async () => {
    const pi = await paid();
    await h.stripe.refunds.create({ payment_intent: pi.id, amount: 6_000 });
    const over = await stripeError(() => h.stripe.refunds.create({ payment_intent: pi.id, amount: 4_001 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ statusCode: 400, param: 'amount' });
    await h.stripe.refunds.create({ payment_intent: pi.id });
    const again = await stripeError(() => h.stripe.refunds.create({ payment_intent: pi.id }));
    expect(again).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
  });

  it('a PaymentIntent without a successful charge cannot be refunded', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1_000, currency: 'usd' });
    expect((await stripeError(() => h.stripe.refunds.create({ payment_intent: pi.id }))).statusCode).toBe(400);
    expect((await stripeError(() => h.stripe.refunds.create({}))).statusCode).toBe(400);
  });

  it('a refund is idempotent too', async () => {
    const pi = await paid();
    const a = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 1_000 }, { idempotencyKey: 'credit_note:cn_9' });
    const b = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 1_000 }, { idempotencyKey: 'credit_note:cn_9' });
    expect(b.id).toBe(a.id);
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).amount_refunded).toBe(1_000);
  });
});
