import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { chargeIdempotencyKey, GatewayRequestError, type ChargeOutcome, type PaymentGateway } from '../../payments/gateway.js';
import { moneyFromColumn } from '../amounts.js';
import { ensureGatewayCustomer } from '../customers/ensure-gateway-customer.js';
import { persistSubscriptionStates, type PersistSubscriptionStateInput } from '../subscriptions/persist-subscription-state.js';
import { requireInvoice, type InvoiceStatus } from './invoice-summary.js';

export interface ChargeInvoiceInput {
  tenantId: string;
  invoiceId: string;
  /** 1-based; each attempt has its own idempotency key `invoice:<id>:attempt:<n>`. */
  attempt: number;
  /** Subscription states the workflow has not written yet: written (in their own transaction) before the charge. */
  pending?: PersistSubscriptionStateInput[];
}

/**
 * What a charge attempt came to. Besides the gateway's outcomes: `already_paid` and
 * `not_collectible` (no attempt was made), and `rejected` — the gateway refused the request
 * itself (an amount over its maximum, a configuration it will not accept), which no retry can
 * change: collection of the invoice stops until an operator acts.
 */
export type ChargeInvoiceResult =
  | ChargeOutcome
  | { status: 'already_paid'; idempotencyKey: string }
  | { status: 'not_collectible'; idempotencyKey: string; invoiceStatus: InvoiceStatus }
  | { status: 'rejected'; idempotencyKey: string; code: string | null; message: string };

/** The payment method to charge: the customer's default, unless it was detached (then the gateway's default). */
async function defaultPaymentMethodId(prisma: PrismaClient, tenantId: string, customerId: string): Promise<string | null> {
  const customer = await prisma.customer.findFirst({ where: { id: customerId, tenantId }, include: { defaultPaymentMethod: true } });
  const method = customer?.defaultPaymentMethod ?? null;
  return method === null || method.detachedAt !== null ? null : method.gatewayPaymentMethodId;
}

/**
 * Charges attempt `n` of an invoice. The invoice is reloaded first, so a paid, void or
 * uncollectible invoice is never charged; the attempt row is inserted once (its unique
 * idempotency key is the gateway's key), so a retry, even after the gateway committed the
 * charge, replays the same charge. The outcome is returned, not recorded: recordPaymentOutcome
 * writes it. Transient gateway failures (RetryableGatewayError) are thrown for the caller to retry
 * with the same key.
 */
export async function chargeInvoice(prisma: PrismaClient, gateway: PaymentGateway, input: ChargeInvoiceInput, now: Date = new Date()): Promise<ChargeInvoiceResult> {
  const { tenantId, invoiceId, attempt } = input;
  await persistSubscriptionStates(prisma, input.pending ?? [], now);
  const idempotencyKey = chargeIdempotencyKey(invoiceId, attempt);
  const invoice = await requireInvoice(prisma, tenantId, invoiceId);
  if (invoice.status === 'paid') return { status: 'already_paid', idempotencyKey };
  if (invoice.status !== 'open') return { status: 'not_collectible', idempotencyKey, invoiceStatus: invoice.status };
  await prisma.paymentAttempt.createMany({
    data: [{ id: newId('pa'), tenantId, invoiceId, attemptNumber: attempt, idempotencyKey, status: 'pending', amount: invoice.amountDue, currency: invoice.currency }],
    skipDuplicates: true,
  });
  const gatewayCustomerId = await ensureGatewayCustomer(prisma, gateway, { tenantId, customerId: invoice.customerId });
  try {
    return await gateway.chargeInvoice({
      tenantId,
      invoiceId,
      subscriptionId: invoice.subscriptionId,
      attempt,
      amount: moneyFromColumn(invoice.amountDue, invoice.currency),
      gatewayCustomerId,
      paymentMethodId: await defaultPaymentMethodId(prisma, tenantId, invoice.customerId),
      description: invoice.number === null ? `Invoice ${invoice.id}` : `Invoice ${invoice.number}`,
    });
  } catch (error) {
    if (error instanceof GatewayRequestError) return { status: 'rejected', idempotencyKey, code: error.code, message: error.message };
    throw error;
  }
}
