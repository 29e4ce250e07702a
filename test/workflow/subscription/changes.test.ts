import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { changeItemsUpdate, getStateQuery, previewChangeUpdate } from '../../../workflows/subscription-messages.js';
import { type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

let h: SubscriptionHarness;
/** A year ahead of the server's clock whose next year is a leap year (the file's tests share one server clock). */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const HOUR = 3_600_000;
const monthly = { unit: 'month', count: 1 } as const;

/** Basic $10 and Pro $20 a month, a subscription to Basic anchored April 1 of year Y (April: 30 days). */
async function basicSubscription(anchor = utc(Y, 4, 1)) {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId);
  const basic = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 1000 }, monthly, 'Basic');
  const pro = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2000 }, monthly, 'Pro');
  await h.skipTo(anchor - HOUR);
  const sub = await h.startSubscription({ tenantId, customerId, items: [{ priceId: basic, quantity: 1 }], startAt: anchor });
  await h.skipTo(anchor + HOUR);
  return { tenantId, customerId, basic, pro, ...sub };
}

function lineAmounts(invoice: { lines: Array<{ kind: string; amount: bigint }> }): Array<[string, number]> {
  return invoice.lines.map((l) => [l.kind, Number(l.amount)]);
}

describe('changing items mid-period', () => {
  it('an upgrade at mid-period prorates exactly (Stripe: $10 → $20 nets +$5) and the preview is what gets invoiced', async () => {
    const { subscriptionId, handle, pro } = await basicSubscription();
    // April 16 00:00 is exactly half of April's 30 days: 1,296,000 of 2,592,000 seconds remain.
    await h.skipTo(utc(Y, 4, 16));
    const request = { changeId: 'up-1', items: [{ priceId: pro, quantity: 1 }] };
    const preview = await handle.executeUpdate(previewChangeUpdate, { args: [request] });
    expect(preview.direction).toBe('upgrade');
    expect(preview.effective).toBe('now');
    // Credit: −$10 × 1/2 = −$5.00; charge: $20 × 1/2 = $10.00; net +$5.00.
    expect(preview.lines.map((l) => [l.kind, l.amount.amount])).toEqual([['unused_time', -500], ['remaining_time', 1000]]);
    expect(preview.net).toEqual({ amount: 500, currency: 'USD' });
    expect((await handle.query(getStateQuery)).items).toEqual([{ priceId: expect.any(String) as unknown, quantity: 1 }]);

    const result = await handle.executeUpdate(changeItemsUpdate, { args: [request] });
    expect(result.status).toBe('applied');
    // Same computation: the same lines and amounts (a few milliseconds of real time pass between calls).
    expect(result.preview.lines.map((l) => [l.kind, l.priceId, l.amount])).toEqual(preview.lines.map((l) => [l.kind, l.priceId, l.amount]));
    expect((await handle.query(getStateQuery)).items).toEqual([{ priceId: pro, quantity: 1 }]);

    // create_prorations: the lines wait for the May 1 invoice: Pro $20.00 in advance − $5.00 + $10.00 = $25.00.
    await h.skipTo(utc(Y, 5, 1) + HOUR);
    const invoices = await h.invoices(subscriptionId);
    expect(invoices).toHaveLength(2);
    const may = invoices[1];
    if (!may) throw new Error('no May invoice');
    expect(lineAmounts(may)).toEqual([['recurring', 2000], ['proration', -500], ['proration', 1000]]);
    expect(Number(may.total)).toBe(2500);
    expect(may.status).toBe('paid');
  });

  it('always_invoice charges the proration at once and applies the upgrade once paid', async () => {
    const { subscriptionId, handle, pro } = await basicSubscription(utc(Y, 6, 1));
    // June has 30 days; June 21 00:00 leaves 10 days: 1/3. Credit −1000/3 = −333.33 → −333;
    // charge 2000/3 = 666.67 → 667 (half up); invoice total 334.
    await h.skipTo(utc(Y, 6, 21));
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'up-now', items: [{ priceId: pro, quantity: 1 }], prorationBehavior: 'always_invoice' }] });
    expect(result.status).toBe('applied');
    const invoices = await h.invoices(subscriptionId);
    const prorationInvoice = invoices.find((i) => i.id === result.invoiceId);
    expect(prorationInvoice?.kind).toBe('proration');
    expect(prorationInvoice && lineAmounts(prorationInvoice)).toEqual([['proration', -333], ['proration', 667]]);
    expect(Number(prorationInvoice?.total)).toBe(334);
    expect(prorationInvoice?.status).toBe('paid');
    expect((await handle.query(getStateQuery)).items).toEqual([{ priceId: pro, quantity: 1 }]);
  });

  it('an upgrade whose invoice is declined does not take effect, and its invoice is voided', async () => {
    const { subscriptionId, handle, pro, basic, tenantId, customerId } = await basicSubscription(utc(Y, 8, 1));
    // The card on file now fails every charge (it attaches fine; Stripe's pm_card_chargeCustomerFail).
    await setDefaultPaymentMethod(h.db.prisma, h.stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_chargeCustomerFail' });
    await h.skipTo(utc(Y, 8, 10));
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'up-declined', items: [{ priceId: pro, quantity: 1 }], prorationBehavior: 'always_invoice' }] });
    expect(result.status).toBe('payment_failed');
    expect(result.declineCode).toBe('generic_decline');
    expect((await handle.query(getStateQuery)).items).toEqual([{ priceId: basic, quantity: 1 }]);
    const changeInvoice = (await h.invoices(subscriptionId)).find((i) => i.id === result.invoiceId);
    expect(changeInvoice?.status).toBe('void');
    // The same change id answers the same way, without a second charge.
    const again = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'up-declined', items: [{ priceId: pro, quantity: 1 }], prorationBehavior: 'always_invoice' }] });
    expect(again).toEqual(result);
    expect(h.stripe.sandbox.ledger().filter((c) => c.metadata.invoice_id === result.invoiceId)).toHaveLength(1);
  });

  it('a downgrade waits for the period end by default, without proration', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const basic = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 1000 }, monthly, 'Basic');
    const pro = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 2000 }, monthly, 'Pro');
    await h.skipTo(utc(Y, 10, 1) - HOUR);
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId: pro, quantity: 1 }], startAt: utc(Y, 10, 1) });
    await h.skipTo(utc(Y, 10, 12));
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'down-1', items: [{ priceId: basic, quantity: 1 }] }] });
    expect(result.status).toBe('scheduled');
    expect(result.preview).toMatchObject({ direction: 'downgrade', effective: 'period_end', effectiveAt: `${Y}-11-01T00:00:00.000Z`, lines: [] });
    const state = await handle.query(getStateQuery);
    expect(state.items).toEqual([{ priceId: pro, quantity: 1 }]);
    expect(state.nextAction).toEqual({ kind: 'scheduled_change', at: `${Y}-11-01T00:00:00.000Z` });

    await h.skipTo(utc(Y, 11, 1) + HOUR);
    const invoices = await h.invoices(subscriptionId);
    // October billed Pro ($20.00); November bills Basic ($10.00) with no proration lines.
    expect(invoices.map((i) => lineAmounts(i))).toEqual([[['recurring', 2000]], [['recurring', 1000]]]);
    expect((await handle.query(getStateQuery)).items).toEqual([{ priceId: basic, quantity: 1 }]);
  });

  it('a seat change prorates only the seats (base fee plus seats)', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const base = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 3000 }, monthly, 'Base');
    const seat = await h.seedPrice(tenantId, { model: 'per_unit', currency: 'USD', unitAmount: 1000 }, monthly, 'Seat');
    await h.skipTo(utc(Y + 1, 4, 1) - HOUR);
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId: base, quantity: 1 }, { priceId: seat, quantity: 5 }], startAt: utc(Y + 1, 4, 1) });
    // April (any year) has 30 days; April 21 00:00 leaves 10 days = 1/3.
    await h.skipTo(utc(Y + 1, 4, 21));
    const result = await handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'seats-8', items: [{ priceId: base, quantity: 1 }, { priceId: seat, quantity: 8 }] }] });
    // 5 seats × $10 × 1/3 = 1666.67 → −1667 credit; 8 seats × $10 × 1/3 = 2666.67 → 2667 charge.
    expect(result.preview.lines.map((l) => [l.kind, l.amount.amount])).toEqual([['unused_time', -1667], ['remaining_time', 2667]]);
    await h.skipTo(utc(Y + 1, 5, 1) + HOUR);
    const may = (await h.invoices(subscriptionId))[1];
    if (!may) throw new Error('no May invoice');
    // In advance: $30.00 base + 8 × $10.00 seats = $110.00; plus prorations −16.67 + 26.67 → $120.00.
    expect(lineAmounts(may)).toEqual([['recurring', 3000], ['recurring', 8000], ['proration', -1667], ['proration', 2667]]);
    expect(Number(may.total)).toBe(12_000);
  });

  it('concurrent updates are serialised: each proration starts from the previous change', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const seat = await h.seedPrice(tenantId, { model: 'per_unit', currency: 'USD', unitAmount: 1000 }, monthly, 'Seat');
    await h.skipTo(utc(Y + 1, 6, 1) - HOUR);
    const { subscriptionId, handle } = await h.startSubscription({ tenantId, customerId, items: [{ priceId: seat, quantity: 2 }], startAt: utc(Y + 1, 6, 1) });
    // June (any year): 30 days; June 16 00:00 leaves exactly half.
    await h.skipTo(utc(Y + 1, 6, 16));
    const quantities = [3, 4, 5, 6, 7];
    const results = await Promise.all(
      // `effective: now` for all: in whatever order they run, some are downgrades, which would otherwise wait.
      quantities.map((quantity) => handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: `seats-${quantity}`, items: [{ priceId: seat, quantity }], effective: 'now' }] })),
    );
    expect(results.every((r) => r.status === 'applied')).toBe(true);
    const finalQuantity = (await handle.query(getStateQuery)).items[0]?.quantity ?? 0;
    expect(quantities).toContain(finalQuantity);
    await h.skipTo(utc(Y + 1, 7, 1) + HOUR);
    const july = (await h.invoices(subscriptionId))[1];
    if (!july) throw new Error('no July invoice');
    const prorations = july.lines.filter((l) => l.kind === 'proration').map((l) => Number(l.amount));
    expect(prorations).toHaveLength(10);
    // Serialised, the credits and charges telescope: each change credits exactly what the one
    // before charged (half of $10 × q = 500 × q), so the sum is 500 × (final − 2).
    expect(prorations.reduce((a, b) => a + b, 0)).toBe(500 * (finalQuantity - 2));
    for (let i = 2; i < prorations.length; i += 2) expect(prorations[i]).toBe(-(prorations[i - 1] ?? 0));
  });

  it('an invalid change is rejected by the validator before anything is written', async () => {
    const { handle, pro } = await basicSubscription(utc(Y + 1, 9, 1));
    await expect(handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'bad', items: [{ priceId: pro, quantity: 0 }] }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'bad2', items: [{ priceId: pro, quantity: 1 }, { priceId: pro, quantity: 2 }] }] })).rejects.toThrow();
    const unknown = handle.executeUpdate(changeItemsUpdate, { args: [{ changeId: 'unknown-price', items: [{ priceId: 'price_missing', quantity: 1 }] }] });
    await expect(unknown).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    // The two malformed requests were rejected by the validator and never reached history; the
    // unknown price passed validation (it needs a lookup) and failed in the handler.
    const events = (await handle.fetchHistory()).events ?? [];
    const accepted = events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)).toHaveLength(1);
    expect((await handle.query(getStateQuery)).status).toBe('active');
  });
});
