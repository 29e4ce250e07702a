import { describe, expect, it } from 'vitest';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { saveDunningPolicy } from '../../../src/billing/dunning/save-dunning-policy.js';
import { getStateQuery, paymentMethodUpdatedSignal } from '../../../workflows/subscription-messages.js';
import { DAY_MS, eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
/** A year ahead of the server's clock (the file's tests share one server clock). */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const HOUR = 3_600_000;

/**
 * A $40/month subscription paid once in full; then the card on file starts failing
 * (pm_card_chargeCustomerFail attaches fine and declines every charge).
 */
async function failingRenewal(policy: Parameters<typeof saveDunningPolicy>[1] extends infer P ? Omit<P & object, 'tenantId'> : never, month: number) {
  const tenantId = await h.seedTenant();
  await saveDunningPolicy(h.db.prisma, { tenantId, ...policy });
  const customerId = await h.seedCustomer(tenantId);
  const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 4000 });
  const anchor = utc(Y, month, 1);
  await h.skipTo(anchor - HOUR);
  const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: anchor });
  await h.skipTo(anchor + HOUR);
  // The first period is paid with the good card before the card on file goes bad.
  await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.status === 'paid');
  await setDefaultPaymentMethod(h.db.prisma, h.stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_chargeCustomerFail' });
  return { tenantId, customerId, renewal: utc(Y, month + 1, 1), ...sub };
}

async function renewalInvoice(subscriptionId: string) {
  const invoices = await h.invoices(subscriptionId);
  return invoices[1];
}

/** When each attempt's outcome was recorded, in whole hours after `from` (rows carry the billing clock). */
const hoursOf = (attempts: Array<{ completedAt: Date | null }>, from: number) => attempts.map((a) => Math.round(((a.completedAt?.getTime() ?? 0) - from) / HOUR));

describe('dunning by the tenant policy', () => {
  it('a failed renewal is retried at the policy offsets and recovers at once with a new payment method', async () => {
    const { tenantId, customerId, subscriptionId, handle, renewal } = await failingRenewal({ retryOffsetsDays: [1, 3, 5], finalAction: 'cancel' }, 1);
    await h.skipTo(renewal + HOUR);
    expect((await handle.query(getStateQuery)).status).toBe('past_due');
    // Offsets from the FIRST failure: +1 day, +3 days; we stop before +5.
    await h.skipTo(renewal + 4 * DAY_MS);
    let invoice = await renewalInvoice(subscriptionId);
    expect(invoice?.status).toBe('open');
    expect(invoice?.paymentAttempts.map((a) => a.status)).toEqual(['declined', 'declined', 'declined']);
    expect(hoursOf(invoice?.paymentAttempts ?? [], renewal)).toEqual([0, 24, 72]);
    const state = await handle.query(getStateQuery);
    expect(state.collections[0]).toMatchObject({ attempts: 3, lastDeclineCode: 'generic_decline' });
    // +5 days after the first failure (to the second: the failure time carries processing milliseconds).
    expect(state.collections[0]?.nextRetryAt?.slice(0, 19)).toBe(new Date(renewal + 5 * DAY_MS).toISOString().slice(0, 19));

    // The customer saves a working card: the invoice is retried at once, not at +5 days.
    await setDefaultPaymentMethod(h.db.prisma, h.stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_visa' });
    await handle.signal(paymentMethodUpdatedSignal, { paymentMethodId: null });
    invoice = await eventually(() => renewalInvoice(subscriptionId), (i) => i?.status === 'paid');
    expect(invoice?.status).toBe('paid');
    expect(invoice?.paymentAttempts.map((a) => a.status)).toEqual(['declined', 'declined', 'declined', 'succeeded']);
    expect((await handle.query(getStateQuery)).status).toBe('active');
    // Exactly one successful charge for the invoice at Stripe.
    expect(h.stripe.sandbox.successfulChargesFor('invoice_id', invoice?.id ?? '')).toHaveLength(1);
  });

  it.each([
    ['cancel', 'uncollectible', 'canceled', 3],
    ['mark_unpaid', 'uncollectible', 'unpaid', 5],
    ['leave_past_due', 'open', 'past_due', 7],
  ] as const)('exhaustion with final action %s leaves the invoice %s and the subscription %s', async (finalAction, invoiceStatus, subscriptionStatus, month) => {
    const { subscriptionId, handle, renewal } = await failingRenewal({ retryOffsetsDays: [1, 2], finalAction }, month);
    // Attempts at the renewal, +1 day and +2 days; the third failure exhausts the policy.
    await h.skipTo(renewal + 2 * DAY_MS + HOUR);
    const row = await eventually(() => h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } }), (r) => r.status === subscriptionStatus);
    expect(row.status).toBe(subscriptionStatus);
    const invoice = await renewalInvoice(subscriptionId);
    expect(invoice?.status).toBe(invoiceStatus);
    expect(invoice?.paymentAttempts.map((a) => a.status)).toEqual(['declined', 'declined', 'declined']);
    expect(hoursOf(invoice?.paymentAttempts ?? [], renewal)).toEqual([0, 24, 48]);
    const state = await handle.query(getStateQuery);
    expect(state.collections).toEqual([]);
    // What happens at the next renewal depends on the action: unpaid and canceled bill nothing more.
    await h.skipTo(utc(Y, month + 2, 1) + HOUR);
    const count = (await h.invoices(subscriptionId)).length;
    expect(count).toBe(finalAction === 'leave_past_due' ? 3 : 2);
  });

  it('a hard decline stops dunning at once', async () => {
    const { tenantId, customerId, subscriptionId, renewal } = await failingRenewal({ retryOffsetsDays: [1, 3, 5], finalAction: 'cancel' }, 9);
    // A saved card reported stolen after it was saved: Stripe's stolen-card test method cannot be
    // attached (Stripe checks it then), so the saved method's gateway reference is pointed at it.
    const method = await h.db.prisma.paymentMethod.findFirstOrThrow({ where: { tenantId, customerId, gatewayPaymentMethodId: { startsWith: 'pm_' } }, orderBy: { createdAt: 'desc' } });
    await h.db.prisma.paymentMethod.update({ where: { id: method.id }, data: { gatewayPaymentMethodId: 'pm_card_chargeDeclinedStolenCard' } });
    await h.skipTo(renewal + HOUR);
    const row = await eventually(() => h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } }), (r) => r.status === 'canceled');
    expect(row.status).toBe('canceled');
    const invoice = await renewalInvoice(subscriptionId);
    expect(invoice?.paymentAttempts.map((a) => [a.status, a.declineCode, a.hardDecline])).toEqual([['declined', 'stolen_card', true]]);
    expect(invoice?.status).toBe('uncollectible');
  });
});
