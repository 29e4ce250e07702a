import { dateOrNull } from '../src/billing/amounts.js';
import { runInTransaction } from '../src/billing/db.js';
import { lockInvoice } from '../src/billing/locks.js';
import type { Invoice, Prisma } from '../src/generated/prisma/client.js';
import { newId } from '../src/ids.js';
import type { ChargeOutcome } from '../src/payments/gateway.js';
import type { ActivityDependencies } from './index.js';
import { requireInvoice, toInvoiceSummary } from './invoice-summary.js';
import { invoiceEvent, writeOutboxEvents } from './outbox.js';
import type { OutboxEventRow } from './outbox.js';
import type { InvoiceSummary, RecordPaymentOutcomeInput } from './types.js';

type AttemptStatus = 'pending' | 'succeeded' | 'declined' | 'requires_action' | 'no_payment_method';

/**
 * Which recorded states an outcome may overwrite: a pending attempt takes any outcome, and one
 * waiting for 3-D Secure may still succeed or fail; every other outcome is final, so recording
 * the same (or a late) outcome again changes nothing.
 */
function mayRecord(current: AttemptStatus, next: ChargeOutcome['status']): boolean {
  if (current === 'pending') return true;
  return current === 'requires_action' && (next === 'succeeded' || next === 'declined');
}

function attemptFields(outcome: ChargeOutcome, completedAt: Date): Prisma.PaymentAttemptUpdateManyMutationInput {
  switch (outcome.status) {
    case 'succeeded':
      return { status: 'succeeded', gatewayPaymentIntentId: outcome.paymentIntentId, gatewayChargeId: outcome.chargeId, completedAt };
    case 'declined':
      return {
        status: 'declined',
        gatewayPaymentIntentId: outcome.paymentIntentId,
        gatewayChargeId: outcome.chargeId,
        failureCode: outcome.code,
        declineCode: outcome.declineCode,
        failureMessage: outcome.message,
        hardDecline: outcome.hardDecline,
        completedAt,
      };
    case 'requires_action':
      return { status: 'requires_action', gatewayPaymentIntentId: outcome.paymentIntentId };
    case 'no_payment_method':
      return { status: 'no_payment_method', failureCode: 'no_payment_method', completedAt };
  }
}

/** The attempt row (inserted if chargeInvoice's insert never ran), with the outcome written once. */
async function recordAttempt(tx: Prisma.TransactionClient, invoice: Invoice, attempt: number, outcome: ChargeOutcome, now: Date): Promise<boolean> {
  await tx.paymentAttempt.createMany({
    data: [{ id: newId('pa'), tenantId: invoice.tenantId, invoiceId: invoice.id, attemptNumber: attempt, idempotencyKey: outcome.idempotencyKey, status: 'pending', amount: invoice.amountDue, currency: invoice.currency }],
    skipDuplicates: true,
  });
  const row = await tx.paymentAttempt.findUniqueOrThrow({ where: { invoiceId_attemptNumber: { invoiceId: invoice.id, attemptNumber: attempt } } });
  if (!mayRecord(row.status, outcome.status)) return false;
  await tx.paymentAttempt.update({ where: { id: row.id }, data: attemptFields(outcome, now) });
  return true;
}

function failureEvent(invoice: Invoice, attempt: number, outcome: ChargeOutcome): OutboxEventRow | null {
  const facts = { number: invoice.number, subscriptionId: invoice.subscriptionId, customerId: invoice.customerId, attempt };
  if (outcome.status === 'requires_action') {
    return invoiceEvent('invoice.payment_action_required', invoice.id, `attempt:${attempt}:payment_action_required`, { ...facts, paymentIntentId: outcome.paymentIntentId });
  }
  if (outcome.status === 'declined' || outcome.status === 'no_payment_method') {
    const decline = outcome.status === 'declined' ? { declineCode: outcome.declineCode, hardDecline: outcome.hardDecline } : { declineCode: null, hardDecline: false };
    return invoiceEvent('invoice.payment_failed', invoice.id, `attempt:${attempt}:payment_failed`, { ...facts, reason: outcome.status, ...decline });
  }
  return null;
}

/**
 * Writes attempt `n`'s outcome and its effect on the invoice, in one transaction under the
 * invoice's row lock. A success marks the invoice paid exactly once (one `invoice.paid`); a late
 * failure never un-pays it; `already_paid` and `not_collectible` were no attempt and change nothing.
 */
export async function recordPaymentOutcome(deps: ActivityDependencies, input: RecordPaymentOutcomeInput): Promise<InvoiceSummary> {
  const { tenantId, invoiceId, attempt, outcome } = input;
  await requireInvoice(deps.prisma, tenantId, invoiceId);
  return runInTransaction(deps.prisma, async (tx) => {
    await lockInvoice(tx, tenantId, invoiceId);
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (outcome.status === 'already_paid' || outcome.status === 'not_collectible') return toInvoiceSummary(invoice);
    const now = new Date((deps.now ?? Date.now)());
    const recorded = await recordAttempt(tx, invoice, attempt, outcome, now);
    const paid = invoice.status === 'paid';
    // Money the gateway took pays the invoice even if dunning wrote it off meanwhile (as Stripe does).
    const becomesPaid = recorded && outcome.status === 'succeeded' && (invoice.status === 'open' || invoice.status === 'uncollectible');
    const updated = await tx.invoice.update({
      where: { id: invoice.id },
      data: {
        attemptCount: Math.max(invoice.attemptCount, attempt),
        nextPaymentAttemptAt: paid || becomesPaid ? null : dateOrNull(input.nextRetryAt),
        ...(becomesPaid ? { status: 'paid', amountPaid: invoice.amountDue, paidAt: now } : {}),
      },
    });
    const facts = { number: invoice.number, subscriptionId: invoice.subscriptionId, customerId: invoice.customerId, attempt };
    const summary = toInvoiceSummary(updated);
    const event = becomesPaid
      ? invoiceEvent('invoice.paid', invoice.id, 'paid', { ...facts, amountPaid: summary.amountPaid, paymentIntentId: outcome.status === 'succeeded' ? outcome.paymentIntentId : null })
      : recorded && !paid
        ? failureEvent(invoice, attempt, outcome)
        : null;
    await writeOutboxEvents(tx, tenantId, event === null ? [] : [event]);
    return summary;
  });
}
