import { z } from 'zod';
import type { PaymentAttempt } from '../../generated/prisma/client.js';
import { PaymentAttemptStatus } from '../../generated/prisma/enums.js';
import { moneyFromColumn } from '../amounts.js';
import { instant, isoOrNull } from '../view-fields.js';

/**
 * A payment is one charge attempt on an invoice (a PaymentAttempt row). The interface is what
 * code builds; the schema (same shape, checked in test/integration/billing/invoice-reads.test.ts)
 * documents the response in OpenAPI. The idempotency key stays internal: it is how we talk to
 * the gateway, not something clients act on.
 */

export const paymentViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    invoiceId: z.string(),
    attemptNumber: z.int().describe('1-based, per invoice'),
    status: z.enum(PaymentAttemptStatus),
    amount: z.int().describe('Integer minor units of `currency`'),
    currency: z.string(),
    gatewayPaymentIntentId: z.string().nullable(),
    gatewayChargeId: z.string().nullable(),
    failureCode: z.string().nullable(),
    declineCode: z.string().nullable(),
    failureMessage: z.string().nullable(),
    hardDecline: z.boolean().describe('The card can never succeed (stolen, closed…); dunning stops retrying'),
    createdAt: instant,
    completedAt: instant.nullable(),
  })
  .meta({ id: 'Payment' });

export interface PaymentView {
  id: string;
  object: 'payment';
  invoiceId: string;
  attemptNumber: number;
  status: PaymentAttemptStatus;
  amount: number;
  currency: string;
  gatewayPaymentIntentId: string | null;
  gatewayChargeId: string | null;
  failureCode: string | null;
  declineCode: string | null;
  failureMessage: string | null;
  hardDecline: boolean;
  createdAt: string;
  completedAt: string | null;
}

export function toPaymentView(attempt: PaymentAttempt): PaymentView {
  return {
    id: attempt.id,
    object: 'payment',
    invoiceId: attempt.invoiceId,
    attemptNumber: attempt.attemptNumber,
    status: attempt.status,
    // Through the domain's Money, which refuses a BIGINT beyond the safe-integer range.
    amount: moneyFromColumn(attempt.amount, attempt.currency).amount,
    currency: attempt.currency.toUpperCase(),
    gatewayPaymentIntentId: attempt.gatewayPaymentIntentId,
    gatewayChargeId: attempt.gatewayChargeId,
    failureCode: attempt.failureCode,
    declineCode: attempt.declineCode,
    failureMessage: attempt.failureMessage,
    hardDecline: attempt.hardDecline,
    createdAt: attempt.createdAt.toISOString(),
    completedAt: isoOrNull(attempt.completedAt),
  };
}
