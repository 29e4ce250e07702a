import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCoupon } from '../../../../src/billing/coupons/apply-coupon.js';
import { createCoupon } from '../../../../src/billing/coupons/create-coupon.js';
import { adjustCreditBalance } from '../../../../src/billing/credit/adjust-credit-balance.js';
import { creditBalanceOf } from '../../../../src/billing/credit/credit-balance.js';
import { money } from '../../../../src/domain/index.js';
import { NOW, recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness, type SeededSubscription } from '../../../support/activity-harness.js';

// voidInvoice gives back what the invoice took: the credit balance it consumed and the period it
// counted against each discount. Driven through the activity shells the workflow calls.
let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

const usd = (amount: number) => money(amount, 'USD');

/** The $50 seat subscription with $12 of credit and a 10%-off coupon of the given duration on it. */
async function seedDiscounted(duration: 'once' | 'repeating', durationInPeriods?: number): Promise<SeededSubscription & { discountId: string }> {
  const seeded = await seedSeatSubscription(harness);
  const { prisma } = harness.db;
  await adjustCreditBalance(prisma, { tenantId: seeded.tenantId, customerId: seeded.customerId, amount: usd(1200), reason: 'goodwill' });
  const coupon = await createCoupon(prisma, { tenantId: seeded.tenantId, code: `TEN-${seeded.subscriptionId}`, percentOff: '10', duration, ...(durationInPeriods === undefined ? {} : { durationInPeriods }) });
  const applied = await applyCoupon(prisma, { tenantId: seeded.tenantId, couponId: coupon.couponId, subscriptionId: seeded.subscriptionId, at: NOW });
  return { ...seeded, discountId: applied.discountId };
}

/** Creates, credits and finalizes the period's recurring invoice. */
async function issue(seeded: SeededSubscription, periodIndex: number) {
  const draft = await harness.activities.createInvoice(recurringInvoice(seeded, periodIndex));
  await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId });
  return harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId });
}

const balanceOf = (seeded: SeededSubscription) => creditBalanceOf(harness.db.prisma, { tenantId: seeded.tenantId, customerId: seeded.customerId, currency: 'USD' });

describe('voidInvoice', () => {
  it('gives back the credit and re-opens the once coupon it used, exactly once', async () => {
    const seeded = await seedDiscounted('once');
    const invoice = await issue(seeded, 0);
    // subtotal 5000, 10% off = 500, total 4500; credit 1200 applied → 4500 − 1200 = 3300 due
    expect(invoice).toMatchObject({ status: 'open', discount: usd(500), total: usd(4500), creditApplied: usd(1200), amountDue: usd(3300) });
    expect(await balanceOf(seeded)).toBe(0n);
    const used = await harness.db.prisma.discount.findUniqueOrThrow({ where: { id: seeded.discountId } });
    expect(used.periodsApplied).toBe(1);
    expect(used.endedAt).not.toBeNull();

    const voided = await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    const again = await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    expect(voided.status).toBe('void');
    expect(again).toEqual(voided);
    // ledger: +1200 goodwill, −1200 applied, +1200 given back once → 1200
    expect(await balanceOf(seeded)).toBe(1200n);
    const ledger = await harness.db.prisma.creditBalanceTransaction.findMany({ where: { customerId: seeded.customerId }, orderBy: { createdAt: 'asc' } });
    expect(ledger.map((entry) => [entry.reason, Number(entry.amount)])).toEqual([
      ['goodwill', 1200],
      ['applied_to_invoice', -1200],
      ['invoice_voided', 1200],
    ]);
    expect(await harness.db.prisma.discount.findUniqueOrThrow({ where: { id: seeded.discountId } })).toMatchObject({ periodsApplied: 0, endedAt: null });
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: invoice.invoiceId, type: 'invoice.voided' } })).toBe(1);

    // The next period's invoice gets the coupon and the credit again: 5000 − 500 = 4500, − 1200 = 3300 due.
    const next = await issue(seeded, 1);
    expect(next).toMatchObject({ discount: usd(500), total: usd(4500), creditApplied: usd(1200), amountDue: usd(3300) });
  });

  it('gives a repeating coupon its period back', async () => {
    const seeded = await seedDiscounted('repeating', 2);
    const first = await issue(seeded, 0);
    await issue(seeded, 1);
    // two periods used of two: the discount has ended
    const usedUp = await harness.db.prisma.discount.findUniqueOrThrow({ where: { id: seeded.discountId } });
    expect(usedUp.periodsApplied).toBe(2);
    expect(usedUp.endedAt).not.toBeNull();
    await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: first.invoiceId });
    expect(await harness.db.prisma.discount.findUniqueOrThrow({ where: { id: seeded.discountId } })).toMatchObject({ periodsApplied: 1, endedAt: null });
    // period 2 is discounted again: 10% of 5000 = 500
    expect((await issue(seeded, 2)).discount).toEqual(usd(500));
  });

  it('gives nothing back for an invoice that used no credit or coupon, and writes off none of it', async () => {
    const seeded = await seedSeatSubscription(harness);
    const invoice = await issue(seeded, 0);
    await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    expect(await harness.db.prisma.creditBalanceTransaction.count({ where: { customerId: seeded.customerId } })).toBe(0);
  });
});
