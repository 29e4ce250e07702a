import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

async function drafts(count: number, tenantId?: string) {
  const seeded = await seedSeatSubscription(harness, tenantId === undefined ? {} : { tenantId });
  const invoices = [];
  for (let period = 0; period < count; period += 1) invoices.push(await harness.activities.createInvoice(recurringInvoice(seeded, period)));
  return { seeded, invoices };
}

describe('finalizeInvoice', () => {
  it('20 concurrent finalizations of one tenant take INV-000001..INV-000020, gapless', async () => {
    const { seeded, invoices } = await drafts(20);
    const finalized = await Promise.all(invoices.map((invoice) => harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId })));
    const numbers = finalized.map((invoice) => invoice.number ?? '').sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => `INV-${String(index + 1).padStart(6, '0')}`));
    expect(finalized.every((invoice) => invoice.status === 'open')).toBe(true);
    const sequence = await harness.db.prisma.invoiceNumberSequence.findUniqueOrThrow({ where: { tenantId: seeded.tenantId } });
    expect(sequence.nextNumber).toBe(21);
  });

  it('numbers each tenant on its own', async () => {
    const one = await drafts(2);
    const two = await drafts(1);
    const numbered = await Promise.all([
      ...one.invoices.map((invoice) => harness.activities.finalizeInvoice({ tenantId: one.seeded.tenantId, invoiceId: invoice.invoiceId })),
      ...two.invoices.map((invoice) => harness.activities.finalizeInvoice({ tenantId: two.seeded.tenantId, invoiceId: invoice.invoiceId })),
    ]);
    expect(numbered.slice(0, 2).map((invoice) => invoice.number).sort()).toEqual(['INV-000001', 'INV-000002']);
    expect(numbered[2]?.number).toBe('INV-000001');
  });

  it('a retry returns the finalized invoice without taking another number', async () => {
    const { seeded, invoices } = await drafts(1);
    const invoiceId = invoices[0]?.invoiceId ?? '';
    const first = await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId });
    const again = await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ number: 'INV-000001', status: 'open' });
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: invoiceId, type: 'invoice.finalized' } })).toBe(1);
  });

  it("another tenant's invoice is not found", async () => {
    const mine = await drafts(1);
    const theirs = await seedSeatSubscription(harness);
    await expect(harness.activities.finalizeInvoice({ tenantId: theirs.tenantId, invoiceId: mine.invoices[0]?.invoiceId ?? '' })).rejects.toMatchObject({
      type: 'invoice_not_found',
      nonRetryable: true,
    });
  });
});
