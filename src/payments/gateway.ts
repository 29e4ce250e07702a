import type { Money } from '../domain/index.js';

/**
 * The one interface billing code uses to move money. The production implementation is Stripe
 * (stripe-gateway.ts); the same implementation talks to the local Stripe sandbox in tests and
 * under `npm start`. Every mutating call carries an idempotency key built from our own row ids,
 * so a retried activity can never create a second customer, charge or refund.
 */
export interface PaymentGateway {
  createCustomer(input: CreateGatewayCustomer): Promise<{ gatewayCustomerId: string }>;
  updateCustomer(gatewayCustomerId: string, input: UpdateGatewayCustomer): Promise<void>;
  /** Starts collecting a payment method; the client secret goes to the customer's browser or app. */
  createPaymentMethodSetup(input: PaymentMethodSetupRequest): Promise<PaymentMethodSetup>;
  /** Attaches (if needed) and makes the method the customer's default for invoices. */
  setDefaultPaymentMethod(input: { gatewayCustomerId: string; paymentMethodId: string }): Promise<PaymentMethodSummary>;
  /** Charges an invoice off-session. Retryable failures throw {@link RetryableGatewayError}. */
  chargeInvoice(request: ChargeRequest): Promise<ChargeOutcome>;
  /** Refunds (part of) a payment, e.g. for a credit note. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** The payment's current state at the gateway, for reconciliation. */
  getPayment(paymentIntentId: string): Promise<PaymentState>;
  /**
   * The payment one charge attempt made, found by its customer and our metadata (invoice and
   * attempt) among the customer's payments created since `createdFrom`; null when the charge
   * never reached the gateway.
   */
  findPaymentForAttempt(input: { gatewayCustomerId: string; invoiceId: string; attempt: number; createdFrom: number }): Promise<PaymentState | null>;
  /** One page of the account's payments created in [createdFrom, createdTo) (epoch ms), newest first. */
  listPayments(input: { createdFrom: number; createdTo: number; startingAfter?: string | null }): Promise<{ payments: PaymentState[]; nextCursor: string | null }>;
}

export interface CreateGatewayCustomer {
  tenantId: string;
  /** Our customer id: the idempotency key and the gateway-side metadata. */
  customerId: string;
  email?: string | null;
  name?: string | null;
}

export interface UpdateGatewayCustomer {
  email?: string | null;
  name?: string | null;
}

export interface PaymentMethodSetupRequest {
  tenantId: string;
  customerId: string;
  gatewayCustomerId: string;
  /** Our id for this setup request (idempotency). */
  setupRequestId: string;
}

export interface PaymentMethodSetup {
  setupIntentId: string;
  clientSecret: string;
}

export interface PaymentMethodSummary {
  paymentMethodId: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

export interface ChargeRequest {
  tenantId: string;
  invoiceId: string;
  subscriptionId?: string | null;
  /** 1 for the first attempt, n for the n-th dunning retry: one idempotency key per attempt. */
  attempt: number;
  amount: Money;
  gatewayCustomerId: string;
  /** Defaults to the customer's default payment method at the gateway. */
  paymentMethodId?: string | null;
  description?: string;
}

/** What the workflow acts on. Retryable failures are thrown, not returned. */
export type ChargeOutcome =
  | { status: 'succeeded'; paymentIntentId: string; chargeId: string | null; idempotencyKey: string }
  | {
      status: 'declined';
      paymentIntentId: string | null;
      chargeId: string | null;
      idempotencyKey: string;
      /** Stripe's error code, e.g. `card_declined`, `expired_card`. */
      code: string;
      /** Stripe's `decline_code` (falls back to `code`), e.g. `insufficient_funds`. */
      declineCode: string;
      message: string;
      /** Never retry (stolen or lost card, fraud…); dunning stops at once. */
      hardDecline: boolean;
    }
  | {
      /** The customer must authenticate (3-D Secure); the invoice stays open until they do. */
      status: 'requires_action';
      paymentIntentId: string;
      clientSecret: string | null;
      idempotencyKey: string;
    }
  | { status: 'no_payment_method'; idempotencyKey: string };

export interface RefundRequest {
  tenantId: string;
  /** Our id for the refund (a credit note id): the idempotency key. */
  refundId: string;
  paymentIntentId: string;
  amount: Money;
  reason?: 'duplicate' | 'fraudulent' | 'requested_by_customer';
}

export type RefundOutcome =
  | { status: 'succeeded' | 'pending'; gatewayRefundId: string }
  | { status: 'failed'; gatewayRefundId: string | null; reason: string };

export interface PaymentState {
  paymentIntentId: string;
  /** Stripe's PaymentIntent status: requires_payment_method, requires_action, processing, succeeded, canceled… */
  status: string;
  amount: Money;
  amountRefunded: Money;
  chargeId: string | null;
  metadata: Record<string, string>;
  /** When the gateway created the payment, epoch ms. */
  created: number;
  lastError: { code: string | null; declineCode: string | null; message: string | null } | null;
}

/**
 * Transient failure (rate limit, connection dropped, gateway 5xx): the caller retries with the
 * same idempotency key, which can never create a second charge.
 */
export class RetryableGatewayError extends Error {
  override name = 'RetryableGatewayError';
}

/**
 * The gateway refused the request as invalid (a bug on our side, a bad configuration or an
 * idempotency-key reuse with other parameters). Retrying cannot help; Temporal must not retry.
 */
export class GatewayRequestError extends Error {
  override name = 'GatewayRequestError';
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** The card was refused while being saved (Stripe checks a card when it is attached). */
export class PaymentMethodRejectedError extends Error {
  override name = 'PaymentMethodRejectedError';
  constructor(
    message: string,
    readonly code: string,
    readonly declineCode: string,
  ) {
    super(message);
  }
}

export function chargeIdempotencyKey(invoiceId: string, attempt: number): string {
  return `invoice:${invoiceId}:attempt:${attempt}`;
}
