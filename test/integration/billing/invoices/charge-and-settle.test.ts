import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChargeInvoiceResult, InvoiceSummary } from '../../../../activities/index.js';
import { setDefaultPaymentMethod } from '../../../../src/billing/customers/set-default-payment-method.js';
import { money } from '../../../../src/domain/index.js';
import { RetryableGatewayError } from '../../../../src/payments/gateway.js';
import { recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness, type SeededSubscription } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.stripe.sandbox.reset();
});

const usd = (amount: number) => money(amount, 'USD');

/** An open $50 invoice (INV-…) for a customer whose card behaves like `testPaymentMethod`. */
async function openInvoice(testPaymentMethod: string | null = 'pm_card_visa'): Promise<{ seeded: SeededSubscription; invoice: InvoiceSummary }> {
  const seeded = await seedSeatSubscription(harness, { testPaymentMethod });
  const draft = await harness.activities.createInvoice(recurringInvoice(seeded));
  const invoice = await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId });
  return { seeded, invoice };
}

const successfulCharges = (invoiceId: string) => harness.stripe.sandbox.successfulChargesFor('invoice_id', invoiceId);

async function chargeAndRecord(seeded: SeededSubscription, invoiceId: string, attempt: number, nextRetryAt: number | null = null) {
  const outcome: ChargeInvoiceResult = await harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId, attempt });
  const invoice = await harness.activities.recordPaymentOutcome({ tenantId: seeded.tenantId, invoiceId, attempt, outcome, nextRetryAt });
  return { outcome, invoice };
}

describe('chargeInvoice and recordPaymentOutcome', () => {
  it('charges an open invoice once and marks it paid once', async () => {
    const { seeded, invoice } = await openInvoice();
    const { outcome, invoice: paid } = await chargeAndRecord(seeded, invoice.invoiceId, 1);
    expect(outcome).toMatchObject({ status: 'succeeded', idempotencyKey: `invoice:${invoice.invoiceId}:attempt:1` });
    expect(paid).toMatchObject({ status: 'paid', amountPaid: usd(5000), attemptCount: 1 });
    // $50 charged, one charge at the gateway
    expect(successfulCharges(invoice.invoiceId).map((charge) => charge.amount)).toEqual([5000]);
    // Recording the same outcome again changes nothing.
    const again = await harness.activities.recordPaymentOutcome({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId, attempt: 1, outcome, nextRetryAt: null });
    expect(again).toEqual(paid);
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: invoice.invoiceId, type: 'invoice.paid' } })).toBe(1);
    const attempt = await harness.db.prisma.paymentAttempt.findFirstOrThrow({ where: { invoiceId: invoice.invoiceId } });
    expect(attempt).toMatchObject({ status: 'succeeded', attemptNumber: 1, amount: 5000n, idempotencyKey: `invoice:${invoice.invoiceId}:attempt:1` });
    expect(attempt.gatewayPaymentIntentId).toMatch(/^pi_/);
  });

  it('never charges a paid invoice (the gateway sees nothing)', async () => {
    const { seeded, invoice } = await openInvoice();
    await chargeAndRecord(seeded, invoice.invoiceId, 1);
    const ledgerBefore = harness.stripe.sandbox.ledger();
    const retry = await harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId, attempt: 2 });
    expect(retry).toEqual({ status: 'already_paid', idempotencyKey: `invoice:${invoice.invoiceId}:attempt:2` });
    expect(harness.stripe.sandbox.ledger()).toEqual(ledgerBefore);
    expect(await harness.db.prisma.paymentAttempt.count({ where: { invoiceId: invoice.invoiceId } })).toBe(1);
  });

  it('refuses draft and void invoices as not collectible', async () => {
    const seeded = await seedSeatSubscription(harness);
    const draft = await harness.activities.createInvoice(recurringInvoice(seeded));
    expect(await harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId, attempt: 1 })).toMatchObject({ status: 'not_collectible', invoiceStatus: 'draft' });
    await harness.activities.finalizeInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId });
    await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId });
    expect(await harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId, attempt: 1 })).toMatchObject({ status: 'not_collectible', invoiceStatus: 'void' });
    expect(harness.stripe.sandbox.ledger()).toEqual([]);
  });

  it('a charge retried after the connection dropped charges the card once', async () => {
    const { seeded, invoice } = await openInvoice();
    // Twice: stripe-node retries a reset connection once by itself.
    harness.stripe.sandbox.failNext('drop_after_commit', '/v1/payment_intents', 2);
    await expect(harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId, attempt: 1 })).rejects.toBeInstanceOf(RetryableGatewayError);
    const retried = await harness.activities.chargeInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId, attempt: 1 });
    expect(retried.status).toBe('succeeded');
    expect(successfulCharges(invoice.invoiceId)).toHaveLength(1);
    expect(await harness.db.prisma.paymentAttempt.count({ where: { invoiceId: invoice.invoiceId } })).toBe(1);
  });

  it('a declined attempt, then a success after a new card', async () => {
    const { seeded, invoice } = await openInvoice('pm_card_chargeCustomerFail');
    const retryAt = Date.UTC(2026, 1, 1, 12);
    const first = await chargeAndRecord(seeded, invoice.invoiceId, 1, retryAt);
    expect(first.outcome).toMatchObject({ status: 'declined', declineCode: 'generic_decline', hardDecline: false });
    expect(first.invoice).toMatchObject({ status: 'open', attemptCount: 1, amountPaid: usd(0) });
    const stored = await harness.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId } });
    expect(stored.nextPaymentAttemptAt?.getTime()).toBe(retryAt);
    await setDefaultPaymentMethod(harness.db.prisma, harness.stripe.gateway, { tenantId: seeded.tenantId, customerId: seeded.customerId, gatewayPaymentMethodId: 'pm_card_visa' });
    const second = await chargeAndRecord(seeded, invoice.invoiceId, 2);
    expect(second.invoice).toMatchObject({ status: 'paid', attemptCount: 2, amountPaid: usd(5000) });
    const attempts = await harness.db.prisma.paymentAttempt.findMany({ where: { invoiceId: invoice.invoiceId }, orderBy: { attemptNumber: 'asc' } });
    expect(attempts.map((row) => [row.attemptNumber, row.status, row.declineCode])).toEqual([
      [1, 'declined', 'generic_decline'],
      [2, 'succeeded', null],
    ]);
    const events = await harness.db.prisma.outboxEvent.findMany({ where: { aggregateId: invoice.invoiceId }, orderBy: { createdAt: 'asc' } });
    expect(events.map((event) => event.type).sort()).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_failed', 'payment.failed', 'payment.succeeded']);
    // Each attempt is its own payment event, naming the attempt row and the amount tried.
    const payments = events.filter((event) => event.type.startsWith('payment.')).map((event) => event.payload as Record<string, unknown>);
    expect(payments).toEqual([
      expect.objectContaining({ paymentId: attempts[0]?.id, attempt: 1, amount: { amount: 5000, currency: 'USD' }, reason: 'declined', declineCode: 'generic_decline', hardDecline: false }),
      expect.objectContaining({ paymentId: attempts[1]?.id, attempt: 2, amount: { amount: 5000, currency: 'USD' } }),
    ]);
    // A late failure of attempt 1 recorded again never un-pays the invoice.
    const late = await harness.activities.recordPaymentOutcome({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId, attempt: 1, outcome: first.outcome, nextRetryAt: retryAt });
    expect(late).toMatchObject({ status: 'paid', amountPaid: usd(5000) });
  });

  it('a customer without a card is reported as no_payment_method', async () => {
    const { seeded, invoice } = await openInvoice(null);
    const { outcome, invoice: after } = await chargeAndRecord(seeded, invoice.invoiceId, 1);
    expect(outcome.status).toBe('no_payment_method');
    expect(after.status).toBe('open');
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: invoice.invoiceId, type: 'invoice.payment_failed' } })).toBe(1);
  });
});

describe('markInvoiceUncollectible and voidInvoice', () => {
  it('marks an open invoice uncollectible once, and may void it later', async () => {
    const { seeded, invoice } = await openInvoice('pm_card_chargeCustomerFail');
    const input = { tenantId: seeded.tenantId, invoiceId: invoice.invoiceId };
    const first = await harness.activities.markInvoiceUncollectible(input);
    expect(await harness.activities.markInvoiceUncollectible(input)).toEqual(first);
    expect(first.status).toBe('uncollectible');
    expect(await harness.db.prisma.outboxEvent.count({ where: { aggregateId: invoice.invoiceId, type: 'invoice.marked_uncollectible' } })).toBe(1);
    expect((await harness.activities.voidInvoice(input)).status).toBe('void');
    // A void invoice stays void: writing it off again changes nothing.
    expect((await harness.activities.markInvoiceUncollectible(input)).status).toBe('void');
  });

  it('never touches a paid invoice', async () => {
    const { seeded, invoice } = await openInvoice();
    const { invoice: paid } = await chargeAndRecord(seeded, invoice.invoiceId, 1);
    expect(await harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId })).toEqual(paid);
    expect(await harness.activities.markInvoiceUncollectible({ tenantId: seeded.tenantId, invoiceId: invoice.invoiceId })).toEqual(paid);
    const stored = await harness.db.prisma.invoice.findUniqueOrThrow({ where: { id: invoice.invoiceId } });
    expect(stored.voidedAt).toBeNull();
  });

  it('refuses to void or write off a draft, which was never issued', async () => {
    const seeded = await seedSeatSubscription(harness);
    const draft = await harness.activities.createInvoice(recurringInvoice(seeded));
    await expect(harness.activities.voidInvoice({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId })).rejects.toMatchObject({ type: 'invoice_not_finalized', nonRetryable: true });
    await expect(harness.activities.markInvoiceUncollectible({ tenantId: seeded.tenantId, invoiceId: draft.invoiceId })).rejects.toMatchObject({ type: 'invoice_not_finalized' });
  });
});
