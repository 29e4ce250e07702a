import { describe, expect, it } from 'vitest';
import { saveDunningPolicy } from '../../../src/billing/dunning/save-dunning-policy.js';
import { cancelUpdate, getStateQuery, pauseCollectionUpdate, resumeCollectionUpdate } from '../../../workflows/subscription-messages.js';
import { DAY_MS, eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
/** A year ahead of the server's clock whose next year is a leap year (the file's tests share one server clock). */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const HOUR = 3_600_000;

async function subscription(anchor: number, amount = 3000, options: { testPaymentMethod?: string | null; trialDays?: number } = {}) {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId, { testPaymentMethod: options.testPaymentMethod === undefined ? 'pm_card_visa' : options.testPaymentMethod });
  const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount });
  const startAt = anchor - (options.trialDays ?? 0) * DAY_MS;
  await h.skipTo(startAt - HOUR);
  const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt, trialDays: options.trialDays ?? null });
  return { tenantId, customerId, priceId, ...sub };
}

describe('cancellation', () => {
  it('cancel at period end: the period is served, nothing more is billed, the workflow completes', async () => {
    const { subscriptionId, handle } = await subscription(utc(Y + 2, 1, 1));
    await h.skipTo(utc(Y + 2, 1, 10));
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ mode: 'period_end' }] });
    expect(view).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, nextAction: { kind: 'cancellation', at: `${Y + 2}-02-01T00:00:00.000Z` } });
    await h.skipTo(utc(Y + 2, 3, 15));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await handle.query(getStateQuery)).toMatchObject({ status: 'canceled', endedAt: `${Y + 2}-02-01T00:00:00.000Z` });
    expect((await h.invoices(subscriptionId)).map((i) => i.periodStart?.toISOString().slice(0, 10))).toEqual([`${Y + 2}-01-01`]);
    expect((await h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe('canceled');
  });

  it('an immediate cancel with proration credits the unused time to the customer balance', async () => {
    const { subscriptionId, customerId, handle } = await subscription(utc(Y + 2, 4, 1), 3000);
    // April (any year) has 30 days; April 21 00:00 leaves 10 of them: $30.00 × 10/30 = $10.00 credit.
    await h.skipTo(utc(Y + 2, 4, 21));
    const view = await handle.executeUpdate(cancelUpdate, { args: [{ mode: 'now', prorate: true }] });
    expect(view.status).toBe('canceled');
    const ledger = await h.db.prisma.creditBalanceTransaction.findMany({ where: { customerId } });
    expect(ledger.map((t) => [Number(t.amount), t.currency, t.reason])).toEqual([[1000, 'USD', 'prorated_cancellation']]);
    await h.skipTo(utc(Y + 2, 4, 22));
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await h.invoices(subscriptionId)).toHaveLength(1);
  });

  it('cancel is refused for an already canceled subscription', async () => {
    const { handle } = await subscription(utc(Y + 2, 6, 1));
    await handle.executeUpdate(cancelUpdate, { args: [{ mode: 'now' }] });
    await expect(handle.executeUpdate(cancelUpdate, { args: [{ mode: 'now' }] })).rejects.toThrow();
  });
});

describe('pause and resume', () => {
  it('paused periods are not billed; resuming restarts the cycle, crediting the paid time the pause left unused', async () => {
    const { subscriptionId, handle } = await subscription(utc(Y + 2, 7, 1), 2000);
    await h.skipTo(utc(Y + 2, 7, 10));
    expect((await handle.executeUpdate(pauseCollectionUpdate, { args: [] })).status).toBe('paused');
    await h.skipTo(utc(Y + 2, 9, 20));
    expect(await h.invoices(subscriptionId)).toHaveLength(1); // August and September were not billed
    await h.skipTo(utc(Y + 2, 9, 20, 12));
    const resumed = await handle.executeUpdate(resumeCollectionUpdate, { args: [] });
    expect(resumed.status).toBe('active');
    await h.skipTo(utc(Y + 2, 9, 21));
    const invoices = await h.invoices(subscriptionId);
    expect(invoices).toHaveLength(2);
    // The new cycle starts when collection resumed (Sept 20 12:00, give or take the moment the update ran).
    expect(invoices[1]?.periodStart?.toISOString().slice(0, 13)).toBe(`${Y + 2}-09-20T12`);
    // July (31 days) was paid in full; paused on July 10, the 22 days to August 1 were unused:
    // $20.00 × 22/31 = 1419.35 → −1419 credit. New period $20.00 − $14.19 = $5.81.
    expect(invoices[1]?.lines.map((l) => [l.kind, Number(l.amount)])).toEqual([['recurring', 2000], ['proration', -1419]]);
    expect(Number(invoices[1]?.total)).toBe(581);
    expect(invoices[1]?.status).toBe('paid');
  });

  it('resume is refused unless paused, pause is refused during a trial', async () => {
    const { handle } = await subscription(utc(Y + 2, 11, 1), 2000, { trialDays: 7 });
    await expect(handle.executeUpdate(pauseCollectionUpdate, { args: [] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only an active or past_due subscription can be paused/) as unknown } });
    await expect(handle.executeUpdate(resumeCollectionUpdate, { args: [] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only a paused subscription can be resumed/) as unknown } });
  });
});

describe('trial end without a payment method', () => {
  it.each([
    ['cancel', 'canceled', 0],
    ['pause', 'paused', 0],
    // Stripe's create_invoice: the invoice is issued and, with nothing to charge, the subscription is past due.
    ['create_invoice', 'past_due', 1],
  ] as const)('policy %s → %s, %i invoice(s)', async (behavior, status, invoiceCount) => {
    const tenantId = await h.seedTenant();
    await saveDunningPolicy(h.db.prisma, { tenantId, retryOffsetsDays: [1, 3], finalAction: 'cancel', trialEndWithoutPaymentMethod: behavior });
    const customerId = await h.seedCustomer(tenantId, { testPaymentMethod: null });
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 1500 });
    const start = utc(Y + 3, 1, 1) + invoiceCount * 10 * DAY_MS + (behavior === 'pause' ? 5 * DAY_MS : 0);
    await h.skipTo(start - HOUR);
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: start, trialDays: 7 });
    await h.skipTo(start + 7 * DAY_MS + HOUR);
    const row = await eventually(() => h.db.prisma.subscription.findUniqueOrThrow({ where: { id: subscriptionId } }), (r) => r.status === status);
    expect(row.status).toBe(status);
    const invoices = await eventually(() => h.invoices(subscriptionId), (list) => list.every((i) => i.paymentAttempts.every((a) => a.status !== 'pending')));
    expect(invoices).toHaveLength(invoiceCount);
    if (invoiceCount === 1) {
      expect(invoices[0]?.status).toBe('open');
      expect(invoices[0]?.paymentAttempts.map((a) => a.status)).toEqual(['no_payment_method']);
      expect((await handle.query(getStateQuery)).collections).toHaveLength(1);
    }
  });
});
