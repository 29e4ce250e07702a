import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustCreditBalance } from '../../../../src/billing/credit/adjust-credit-balance.js';
import { creditBalanceOf } from '../../../../src/billing/credit/credit-balance.js';
import { money } from '../../../../src/domain/index.js';
import { line, recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness, type SeededSubscription } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

const usd = (amount: number) => money(amount, 'USD');

async function seedWithCredit(credit: number): Promise<SeededSubscription> {
  const seeded = await seedSeatSubscription(harness);
  await adjustCreditBalance(harness.db.prisma, { tenantId: seeded.tenantId, customerId: seeded.customerId, amount: usd(credit), reason: 'goodwill' });
  return seeded;
}

const balanceOf = async (seeded: SeededSubscription) =>
  creditBalanceOf(harness.db.prisma, { tenantId: seeded.tenantId, customerId: seeded.customerId, currency: 'USD' });

describe('applyCreditBalance', () => {
  it('uses part of the invoice from a smaller balance, once', async () => {
    const seeded = await seedWithCredit(1200);
    const invoice = await harness.activities.createInvoice(recurringInvoice(seeded));
    const first = await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    const again = await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    // total 5000, balance 1200 → 1200 applied, 5000 − 1200 = 3800 due, balance 0
    expect(first).toMatchObject({ total: usd(5000), creditApplied: usd(1200), amountDue: usd(3800) });
    expect(again).toEqual(first);
    expect(await balanceOf(seeded)).toBe(0n);
  });

  it('pays the whole invoice from a larger balance', async () => {
    const seeded = await seedWithCredit(8000);
    const invoice = await harness.activities.createInvoice(recurringInvoice(seeded));
    const applied = await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    // total 5000 ≤ balance 8000 → 5000 applied, nothing due, 8000 − 5000 = 3000 left
    expect(applied).toMatchObject({ creditApplied: usd(5000), amountDue: usd(0) });
    expect(await balanceOf(seeded)).toBe(3000n);
    // nothing due: finalizing pays it at once
    expect(await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId })).toMatchObject({ status: 'paid' });
  });

  it('banks a negative total (a net credit) onto the balance, with nothing due', async () => {
    const seeded = await seedWithCredit(100);
    const invoice = await harness.activities.createInvoice(
      recurringInvoice(seeded, 0, { kind: 'proration', sourceKey: `${seeded.subscriptionId}:change:down`, lines: [line(seeded.seatPriceId, -700, { kind: 'proration', discountable: false })] }),
    );
    const applied = await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    // total −700 goes back to the customer: creditApplied −700, due 0, balance 100 + 700 = 800
    expect(applied).toMatchObject({ total: usd(-700), creditApplied: usd(-700), amountDue: usd(0) });
    expect(await balanceOf(seeded)).toBe(800n);
    const entries = await harness.db.prisma.creditBalanceTransaction.findMany({ where: { invoiceId: invoice.invoiceId } });
    expect(entries.map((entry) => [entry.sourceKey, entry.amount])).toEqual([[`invoice:${invoice.invoiceId}:credit_banked`, 700n]]);
  });

  it('leaves a finalized invoice alone', async () => {
    const seeded = await seedSeatSubscription(harness);
    const invoice = await harness.activities.createInvoice(recurringInvoice(seeded));
    await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    await adjustCreditBalance(harness.db.prisma, { tenantId: seeded.tenantId, customerId: seeded.customerId, amount: usd(500), reason: 'late credit' });
    const after = await harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId });
    expect(after).toMatchObject({ status: 'open', creditApplied: usd(0), amountDue: usd(5000) });
    expect(await balanceOf(seeded)).toBe(500n);
  });

  it('two invoices of one customer never spend the same credit', async () => {
    const seeded = await seedWithCredit(6000);
    const [a, b] = await Promise.all([0, 1].map((period) => harness.activities.createInvoice(recurringInvoice(seeded, period))));
    const applied = await Promise.all([a, b].map((invoice) => harness.activities.applyCreditBalance({ tenantId: seeded.tenantId, invoiceId: invoice?.invoiceId ?? '' })));
    // 6000 of credit over two 5000 invoices: 5000 + 1000, in whichever order they ran
    expect(applied.map((invoice) => invoice.creditApplied.amount).sort((x, y) => x - y)).toEqual([1000, 5000]);
    expect(await balanceOf(seeded)).toBe(0n);
  });
});
