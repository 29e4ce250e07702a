import type { PrismaClient } from '../../db/prisma-client.js';
import type { Invoice, PaymentAttemptStatus, Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { dateOrNull, moneyFromColumn } from '../amounts.js';
import { runInTransaction } from '../db.js';
import { lockInvoice } from '../locks.js';
import { invoiceEvent, writeOutboxEvents, type OutboxEventRow } from '../outbox/write-outbox-events.js';
import { persistSubscriptionStateInTransaction, type PersistSubscriptionStateInput } from '../subscriptions/persist-subscription-state.js';
import type { ChargeInvoiceResult } from './charge-invoice.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

export interface RecordPaymentOutcomeInput {
  tenantId: string;
  invoiceId: string;
  attempt: number;
  outcome: ChargeInvoiceResult;
  /** When dunning will try again (epoch ms), shown on the invoice. */
  nextRetryAt: number | null;
  /** Subscription states the workflow has not written yet, written first in the same transaction. */
  pending?: PersistSubscriptionStateInput[];
}

type AttemptOutcome = Exclude<ChargeInvoiceResult, { status: 'already_paid' | 'not_collectible' }>;

/** Why collection of an invoice stopped for an operator to look at, as the invoice records it. */
export const GATEWAY_REJECTED = 'gateway_rejected';

/**
 * Which recorded states an outcome may overwrite: a pending attempt takes any outcome, and one
 * waiting for 3-D Secure may still succeed or fail; every other outcome is final, so recording
 * the same (or a late) outcome again changes nothing.
 */
function mayRecord(current: PaymentAttemptStatus, next: AttemptOutcome['status']): boolean {
  if (current === 'pending') return true;
  return current === 'requires_action' && (next === 'succeeded' || next === 'declined');
}

function attemptFields(outcome: AttemptOutcome, completedAt: Date): Prisma.PaymentAttemptUpdateManyMutationInput {
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
    case 'rejected':
      return { status: 'rejected', failureCode: outcome.code ?? GATEWAY_REJECTED, failureMessage: outcome.message, completedAt };
  }
}

/** The attempt row (inserted if chargeInvoice's insert never ran) with the outcome written once; null if it was written before. */
async function recordAttempt(tx: Prisma.TransactionClient, invoice: Invoice, attempt: number, outcome: AttemptOutcome, now: Date): Promise<string | null> {
  await tx.paymentAttempt.createMany({
    data: [{ id: newId('pa'), tenantId: invoice.tenantId, invoiceId: invoice.id, attemptNumber: attempt, idempotencyKey: outcome.idempotencyKey, status: 'pending', amount: invoice.amountDue, currency: invoice.currency }],
    skipDuplicates: true,
  });
  const row = await tx.paymentAttempt.findUniqueOrThrow({ where: { invoiceId_attemptNumber: { invoiceId: invoice.id, attemptNumber: attempt } } });
  if (!mayRecord(row.status, outcome.status)) return null;
  await tx.paymentAttempt.update({ where: { id: row.id }, data: attemptFields(outcome, now) });
  return row.id;
}

interface FailureFacts {
  number: string | null;
  subscriptionId: string | null;
  customerId: string;
  attempt: number;
  nextPaymentAttemptAt: string | null;
}

function failureEvents(invoice: Invoice, facts: FailureFacts, outcome: AttemptOutcome): OutboxEventRow[] {
  const { attempt } = facts;
  switch (outcome.status) {
    case 'requires_action':
      return [invoiceEvent('invoice.payment_action_required', invoice.id, `attempt:${attempt}:payment_action_required`, { ...facts, paymentIntentId: outcome.paymentIntentId })];
    case 'declined':
      return [invoiceEvent('invoice.payment_failed', invoice.id, `attempt:${attempt}:payment_failed`, { ...facts, reason: 'declined', declineCode: outcome.declineCode, hardDecline: outcome.hardDecline })];
    case 'no_payment_method':
      return [invoiceEvent('invoice.payment_failed', invoice.id, `attempt:${attempt}:payment_failed`, { ...facts, reason: 'no_payment_method', declineCode: null, hardDecline: false })];
    case 'rejected':
      return [
        invoiceEvent('invoice.payment_failed', invoice.id, `attempt:${attempt}:payment_failed`, { ...facts, reason: 'rejected', declineCode: null, hardDecline: false }),
        {
          type: 'billing.attention_required',
          aggregateType: 'invoice',
          aggregateId: invoice.id,
          dedupeKey: `invoice:${invoice.id}:attempt:${attempt}:attention_required`,
          payload: { invoiceId: invoice.id, ...facts, reason: GATEWAY_REJECTED, gatewayCode: outcome.code, message: outcome.message },
        },
      ];
    case 'succeeded':
      return [];
  }
}

/** The payment attempt's own event (`payment.succeeded` / `payment.failed`), once, when its outcome is first written. */
function paymentEvents(invoice: Invoice, paymentId: string, facts: FailureFacts, outcome: AttemptOutcome): OutboxEventRow[] {
  const base = { invoiceId: invoice.id, customerId: invoice.customerId, subscriptionId: invoice.subscriptionId, paymentId, attempt: facts.attempt, amount: moneyFromColumn(invoice.amountDue, invoice.currency) };
  const key = `payment:${paymentId}`;
  if (outcome.status === 'succeeded') {
    return [{ type: 'payment.succeeded', aggregateType: 'invoice', aggregateId: invoice.id, dedupeKey: `${key}:succeeded`, payload: { ...base, paymentIntentId: outcome.paymentIntentId } }];
  }
  if (outcome.status === 'requires_action') return [];
  const reason = outcome.status === 'declined' ? 'declined' : outcome.status;
  const declineCode = outcome.status === 'declined' ? outcome.declineCode : null;
  const hardDecline = outcome.status === 'declined' && outcome.hardDecline;
  return [{ type: 'payment.failed', aggregateType: 'invoice', aggregateId: invoice.id, dedupeKey: `${key}:failed`, payload: { ...base, reason, declineCode, hardDecline, nextPaymentAttemptAt: facts.nextPaymentAttemptAt } }];
}

const NO_ATTENTION = { attentionReason: null, attentionMessage: null, attentionSince: null };

/** The invoice's attention mark after an outcome: set by a rejection, cleared by anything newer or by payment. */
function attentionAfter(outcome: AttemptOutcome, facts: { recorded: boolean; settled: boolean }, now: Date): Prisma.InvoiceUpdateInput {
  if (facts.settled) return NO_ATTENTION;
  if (!facts.recorded) return {};
  return outcome.status === 'rejected' ? { attentionReason: GATEWAY_REJECTED, attentionMessage: outcome.message, attentionSince: now } : NO_ATTENTION;
}

/**
 * Writes attempt `n`'s outcome and its effect on the invoice, in one transaction under the
 * invoice's row lock. A success marks the invoice paid exactly once (one `invoice.paid`); a late
 * failure never un-pays it; `already_paid` and `not_collectible` were no attempt and change
 * nothing. A gateway rejection marks the invoice as needing attention (it stays open); a later
 * attempt, whatever its outcome, is the operator's answer and clears the mark. `now` is the
 * billing clock.
 */
export async function recordPaymentOutcome(prisma: PrismaClient, input: RecordPaymentOutcomeInput, now: Date): Promise<InvoiceSummary> {
  const { tenantId, invoiceId, attempt, outcome } = input;
  await requireInvoice(prisma, tenantId, invoiceId);
  return runInTransaction(prisma, async (tx) => {
    for (const persist of input.pending ?? []) await persistSubscriptionStateInTransaction(tx, persist, now);
    await lockInvoice(tx, tenantId, invoiceId);
    const invoice = await requireInvoice(tx, tenantId, invoiceId);
    if (outcome.status === 'already_paid' || outcome.status === 'not_collectible') return toInvoiceSummary(invoice);
    const paymentId = await recordAttempt(tx, invoice, attempt, outcome, now);
    const recorded = paymentId !== null;
    const paid = invoice.status === 'paid';
    // Money the gateway took pays the invoice even if dunning wrote it off meanwhile (as Stripe does).
    const becomesPaid = recorded && outcome.status === 'succeeded' && (invoice.status === 'open' || invoice.status === 'uncollectible');
    const attention = attentionAfter(outcome, { recorded, settled: paid || becomesPaid }, now);
    const updated = await tx.invoice.update({
      where: { id: invoice.id },
      data: {
        attemptCount: Math.max(invoice.attemptCount, attempt),
        nextPaymentAttemptAt: paid || becomesPaid ? null : dateOrNull(input.nextRetryAt),
        ...attention,
        ...(becomesPaid ? { status: 'paid', amountPaid: invoice.amountDue, paidAt: now } : {}),
      },
    });
    const summary = toInvoiceSummary(updated);
    const retryAt = paid || becomesPaid ? null : dateOrNull(input.nextRetryAt);
    const facts: FailureFacts = { number: invoice.number, subscriptionId: invoice.subscriptionId, customerId: invoice.customerId, attempt, nextPaymentAttemptAt: retryAt === null ? null : retryAt.toISOString() };
    const events = [
      ...(paymentId === null ? [] : paymentEvents(invoice, paymentId, facts, outcome)),
      ...(becomesPaid
        ? [invoiceEvent('invoice.paid', invoice.id, 'paid', { ...facts, amountPaid: summary.amountPaid, paymentIntentId: outcome.status === 'succeeded' ? outcome.paymentIntentId : null })]
        : recorded && !paid
          ? failureEvents(invoice, facts, outcome)
          : []),
    ];
    await writeOutboxEvents(tx, tenantId, events);
    return summary;
  });
}
