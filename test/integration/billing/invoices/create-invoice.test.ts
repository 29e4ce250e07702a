import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCoupon } from '../../../../src/billing/coupons/apply-coupon.js';
import { createCoupon } from '../../../../src/billing/coupons/create-coupon.js';
import { createTaxRate } from '../../../../src/billing/tax/create-tax-rate.js';
import { money } from '../../../../src/domain/index.js';
import { line, recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

const usd = (amount: number) => money(amount, 'USD');

async function linesOf(invoiceId: string) {
  const rows = await harness.db.prisma.invoiceLine.findMany({ where: { invoiceId }, orderBy: { position: 'asc' } });
  return rows.map((row) => ({ kind: row.kind, amount: Number(row.amount), description: row.description, subscriptionItemId: row.subscriptionItemId }));
}

describe('createInvoice', () => {
  it('a retry returns the same invoice and adds no line, no event', async () => {
    const seeded = await seedSeatSubscription(harness);
    const first = await harness.activities.createInvoice(recurringInvoice(seeded));
    const second = await harness.activities.createInvoice(recurringInvoice(seeded));
    expect(second).toEqual(first);
    // $30 base + 2 × $10 seats = $50, no discount, no tax
    expect(first).toMatchObject({ status: 'draft', number: null, subtotal: usd(5000), discount: usd(0), tax: usd(0), total: usd(5000), amountDue: usd(5000) });
    expect(await harness.db.prisma.invoice.count({ where: { subscriptionId: seeded.subscriptionId } })).toBe(1);
    const lines = await linesOf(first.invoiceId);
    expect(lines.map((row) => row.amount)).toEqual([3000, 2000]);
    expect(lines.every((row) => row.subscriptionItemId !== null)).toBe(true);
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: first.invoiceId, type: 'invoice.created' } })).toBe(1);
  });

  it('concurrent calls with one sourceKey make one invoice', async () => {
    const seeded = await seedSeatSubscription(harness);
    const results = await Promise.all(Array.from({ length: 8 }, () => harness.activities.createInvoice(recurringInvoice(seeded))));
    expect(new Set(results.map((result) => result.invoiceId)).size).toBe(1);
    expect(await harness.db.prisma.invoice.count({ where: { subscriptionId: seeded.subscriptionId } })).toBe(1);
    expect(await harness.db.prisma.invoiceLine.count({ where: { invoiceId: results[0]?.invoiceId ?? '' } })).toBe(2);
  });

  it('adds a discount line and an exclusive tax line, with named sums', async () => {
    const seeded = await seedSeatSubscription(harness, { taxJurisdiction: 'us-tx' });
    await createTaxRate(harness.db.prisma, { tenantId: seeded.tenantId, jurisdiction: 'US-TX', displayName: 'Texas sales tax', percentage: '8.25' });
    const coupon = await createCoupon(harness.db.prisma, { tenantId: seeded.tenantId, code: 'TWENTY', percentOff: 20, duration: 'forever' });
    await applyCoupon(harness.db.prisma, { tenantId: seeded.tenantId, couponId: coupon.couponId, subscriptionId: seeded.subscriptionId });
    const invoice = await harness.activities.createInvoice(recurringInvoice(seeded));
    // subtotal 3000 + 2000 = 5000; 20% off → 1000; tax 8.25% of 4000 = 330; total 5000 - 1000 + 330 = 4330
    expect(invoice).toMatchObject({ subtotal: usd(5000), discount: usd(1000), tax: usd(330), total: usd(4330), amountDue: usd(4330), creditApplied: usd(0) });
    expect((await linesOf(invoice.invoiceId)).map(({ kind, amount }) => ({ kind, amount }))).toEqual([
      { kind: 'recurring', amount: 3000 },
      { kind: 'recurring', amount: 2000 },
      { kind: 'discount', amount: -1000 },
      { kind: 'tax', amount: 330 },
    ]);
    const stored = await harness.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId } });
    expect([stored.subtotal, stored.discountTotal, stored.taxTotal, stored.total, stored.amountDue]).toEqual([5000n, 1000n, 330n, 4330n, 4330n]);
  });

  it('shows inclusive tax as a line that does not add to the total', async () => {
    const seeded = await seedSeatSubscription(harness, { taxJurisdiction: 'DE' });
    await createTaxRate(harness.db.prisma, { tenantId: seeded.tenantId, jurisdiction: 'DE', displayName: 'VAT', percentage: '20', inclusive: true });
    const invoice = await harness.activities.createInvoice(recurringInvoice(seeded, 0, { lines: [line(seeded.basePriceId, 1200)] }));
    // 1200 holds 20% VAT: 1200 × 20 / 120 = 200 of tax inside; the total stays 1200
    expect(invoice).toMatchObject({ subtotal: usd(1200), tax: usd(200), total: usd(1200), amountDue: usd(1200) });
    expect(await linesOf(invoice.invoiceId)).toMatchObject([
      { kind: 'recurring', amount: 1200 },
      { kind: 'tax', amount: 200, description: 'VAT 20% (included in prices)' },
    ]);
  });

  it('a once coupon discounts the first period only; a repeating one its number of periods', async () => {
    const seeded = await seedSeatSubscription(harness);
    const { prisma } = harness.db;
    const once = await createCoupon(prisma, { tenantId: seeded.tenantId, code: 'ONCE', amountOff: { amount: 500, currency: 'USD' }, duration: 'once' });
    const twice = await createCoupon(prisma, { tenantId: seeded.tenantId, code: 'TWO', percentOff: '10', duration: 'repeating', durationInPeriods: 2 });
    await applyCoupon(prisma, { tenantId: seeded.tenantId, couponId: once.couponId, subscriptionId: seeded.subscriptionId });
    await applyCoupon(prisma, { tenantId: seeded.tenantId, couponId: twice.couponId, customerId: seeded.customerId });
    const discounts = [];
    for (const period of [0, 1, 2]) {
      discounts.push((await harness.activities.createInvoice(recurringInvoice(seeded, period))).discount.amount);
    }
    // period 0: $5 off 5000 → 4500 left, then 10% of 4500 = 450 → 950; period 1: 10% of 5000 = 500; period 2: none
    expect(discounts).toEqual([950, 500, 0]);
    const rows = await prisma.discount.findMany({ where: { tenantId: seeded.tenantId }, orderBy: { startedAt: 'asc' } });
    expect(rows.map((row) => [row.periodsApplied, row.endedAt !== null])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('a proration invoice is discounted without using up a coupon period', async () => {
    const seeded = await seedSeatSubscription(harness);
    const { prisma } = harness.db;
    const once = await createCoupon(prisma, { tenantId: seeded.tenantId, code: 'ONCE10', percentOff: 10, duration: 'once' });
    await applyCoupon(prisma, { tenantId: seeded.tenantId, couponId: once.couponId, subscriptionId: seeded.subscriptionId });
    const proration = await harness.activities.createInvoice(
      recurringInvoice(seeded, 0, { kind: 'proration', sourceKey: `${seeded.subscriptionId}:change:1`, lines: [line(seeded.seatPriceId, 1000, { kind: 'proration' })] }),
    );
    // 10% of 1000 = 100
    expect(proration.discount).toEqual(usd(100));
    expect((await prisma.discount.findFirstOrThrow({ where: { subscriptionId: seeded.subscriptionId } })).periodsApplied).toBe(0);
  });

  it('never lets a coupon deepen a net credit; a negative total leaves nothing due', async () => {
    const seeded = await seedSeatSubscription(harness);
    const coupon = await createCoupon(harness.db.prisma, { tenantId: seeded.tenantId, code: 'HALF', percentOff: 50, duration: 'forever' });
    await applyCoupon(harness.db.prisma, { tenantId: seeded.tenantId, couponId: coupon.couponId, subscriptionId: seeded.subscriptionId });
    const invoice = await harness.activities.createInvoice(
      recurringInvoice(seeded, 0, {
        kind: 'proration',
        sourceKey: `${seeded.subscriptionId}:change:2`,
        lines: [line(seeded.seatPriceId, -2000, { kind: 'proration', discountable: false }), line(seeded.basePriceId, 600, { kind: 'proration' })],
      }),
    );
    // subtotal −2000 + 600 = −1400; the coupon is capped at what the invoice owes (nothing: the
    // domain never lets a coupon create credit), so discount 0 and total −1400, amount due 0
    expect(invoice).toMatchObject({ subtotal: usd(-1400), discount: usd(0), total: usd(-1400), amountDue: usd(0) });
    expect((await linesOf(invoice.invoiceId)).map((row) => row.kind)).toEqual(['proration', 'proration']);
  });

  it("refuses another tenant's subscription as not found, without retries", async () => {
    const mine = await seedSeatSubscription(harness);
    const theirs = await seedSeatSubscription(harness);
    const attempt = harness.activities.createInvoice(recurringInvoice({ ...mine, subscriptionId: theirs.subscriptionId }));
    await expect(attempt).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(attempt).rejects.toMatchObject({ type: 'subscription_not_found', nonRetryable: true });
  });
});
