import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import type { CreditInvoiceRequest, CreditInvoiceResult } from './subscription-messages.js';

/** What the workflow collecting a one-off invoice is started with. */
export interface InvoiceCollectionInput {
  tenantId: string;
  invoiceId: string;
}

export interface InvoiceCollectionView {
  invoiceId: string;
  /** collecting (a charge or a retry ahead), waiting (for the customer, or an operator after a gateway refusal), paid, void, uncollectible, closed (left open by the policy). */
  state: 'collecting' | 'waiting' | 'paid' | 'void' | 'uncollectible' | 'closed';
  attempts: Array<{ at: number; outcome: string; declineCode: string | null }>;
  nextRetryAt: number | null;
}

export interface PayOneOffInvoiceResult {
  invoiceId: string;
  /** succeeded, declined, requires_action, no_payment_method, rejected, already_paid or not_collectible. */
  outcome: string;
  declineCode: string | null;
}

/** "Pay now": charge at once instead of at the next retry. */
export const payOneOffInvoiceUpdate = defineUpdate<PayOneOffInvoiceResult, []>('payOneOffInvoice');
/** Void the invoice: collection stops, nothing is owed. */
export const voidOneOffInvoiceUpdate = defineUpdate<InvoiceCollectionView, []>('voidOneOffInvoice');
/** A credit note reducing what is due, issued in the workflow's own step (never beside a charge). */
export const creditOneOffInvoiceUpdate = defineUpdate<CreditInvoiceResult, [CreditInvoiceRequest]>('creditOneOffInvoice');
/** A verified payment fact from the gateway's webhooks (a 3-D Secure payment completed later). */
export const invoicePaymentEventSignal = defineSignal<[PaymentEvent]>('invoicePaymentEvent');
/** The customer has a new default payment method: an invoice that failed is charged again at once. */
export const invoicePaymentMethodUpdatedSignal = defineSignal<[]>('invoicePaymentMethodUpdated');
export const invoiceCollectionQuery = defineQuery<InvoiceCollectionView>('invoiceCollection');
