import Stripe from 'stripe';
import { money } from '../domain/index.js';
import {
  chargeIdempotencyKey,
  GatewayRequestError,
  PaymentMethodRejectedError,
  type ChargeOutcome,
  type ChargeRequest,
  type CreateGatewayCustomer,
  type PaymentGateway,
  type PaymentMethodSetup,
  type PaymentMethodSetupRequest,
  type PaymentMethodSummary,
  type PaymentState,
  type RefundOutcome,
  type RefundRequest,
  type UpdateGatewayCustomer,
} from './gateway.js';
import { chargeOutcomeFromError, toGatewayError } from './stripe-errors.js';

const StripeErrors = Stripe.errors;

/** Stripe wants lower-case ISO codes and the same minor units our Money uses. */
const stripeCurrency = (code: string): string => code.toLowerCase();

async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGatewayError(error);
  }
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;

function paymentStateOf(intent: Stripe.PaymentIntent): PaymentState {
  const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
  const currency = intent.currency.toUpperCase();
  return {
    paymentIntentId: intent.id,
    status: intent.status,
    amount: money(intent.amount, currency),
    amountRefunded: money(charge?.amount_refunded ?? 0, currency),
    chargeId: idOf(intent.latest_charge),
    metadata: { ...intent.metadata },
    created: intent.created * 1000,
    lastError: intent.last_payment_error
      ? {
          code: intent.last_payment_error.code ?? null,
          declineCode: intent.last_payment_error.decline_code ?? null,
          message: intent.last_payment_error.message ?? null,
        }
      : null,
  };
}

export class StripeGateway implements PaymentGateway {
  constructor(private readonly stripe: Stripe) {}

  async createCustomer(input: CreateGatewayCustomer): Promise<{ gatewayCustomerId: string }> {
    const customer = await call(() =>
      this.stripe.customers.create(
        {
          ...(input.email ? { email: input.email } : {}),
          ...(input.name ? { name: input.name } : {}),
          metadata: { tenant_id: input.tenantId, customer_id: input.customerId },
        },
        { idempotencyKey: `customer:${input.customerId}:create` },
      ),
    );
    return { gatewayCustomerId: customer.id };
  }

  async updateCustomer(gatewayCustomerId: string, input: UpdateGatewayCustomer): Promise<void> {
    // Updates are naturally idempotent (same fields, same result); no key needed.
    await call(() =>
      this.stripe.customers.update(gatewayCustomerId, {
        ...(input.email !== undefined ? { email: input.email ?? '' } : {}),
        ...(input.name !== undefined ? { name: input.name ?? '' } : {}),
      }),
    );
  }

  async createPaymentMethodSetup(input: PaymentMethodSetupRequest): Promise<PaymentMethodSetup> {
    const setupIntent = await call(() =>
      this.stripe.setupIntents.create(
        {
          customer: input.gatewayCustomerId,
          usage: 'off_session',
          metadata: { tenant_id: input.tenantId, customer_id: input.customerId },
        },
        { idempotencyKey: `setup:${input.setupRequestId}` },
      ),
    );
    if (!setupIntent.client_secret) throw new GatewayRequestError('SetupIntent came back without a client secret', null);
    return { setupIntentId: setupIntent.id, clientSecret: setupIntent.client_secret };
  }

  async setDefaultPaymentMethod(input: { gatewayCustomerId: string; paymentMethodId: string }): Promise<PaymentMethodSummary> {
    // Attaching is idempotent for the same customer, and turns a Stripe test token such as
    // pm_card_visa (or a method fresh from a SetupIntent) into the customer's own method.
    let method: Stripe.PaymentMethod;
    try {
      method = await this.stripe.paymentMethods.attach(input.paymentMethodId, { customer: input.gatewayCustomerId });
    } catch (error) {
      if (error instanceof StripeErrors.StripeCardError) {
        const code = error.code ?? 'card_declined';
        throw new PaymentMethodRejectedError(error.message, code, error.decline_code ?? code);
      }
      throw toGatewayError(error);
    }
    await call(() =>
      this.stripe.customers.update(input.gatewayCustomerId, { invoice_settings: { default_payment_method: method.id } }),
    );
    return {
      paymentMethodId: method.id,
      brand: method.card?.brand ?? null,
      last4: method.card?.last4 ?? null,
      expMonth: method.card?.exp_month ?? null,
      expYear: method.card?.exp_year ?? null,
    };
  }

  async chargeInvoice(request: ChargeRequest): Promise<ChargeOutcome> {
    const idempotencyKey = chargeIdempotencyKey(request.invoiceId, request.attempt);
    const paymentMethod = request.paymentMethodId ?? (await this.defaultPaymentMethod(request.gatewayCustomerId));
    if (!paymentMethod) return { status: 'no_payment_method', idempotencyKey };
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amount.amount,
          currency: stripeCurrency(request.amount.currency),
          customer: request.gatewayCustomerId,
          payment_method: paymentMethod,
          off_session: true,
          confirm: true,
          ...(request.description ? { description: request.description } : {}),
          metadata: {
            tenant_id: request.tenantId,
            invoice_id: request.invoiceId,
            attempt: String(request.attempt),
            ...(request.subscriptionId ? { subscription_id: request.subscriptionId } : {}),
          },
        },
        { idempotencyKey },
      );
      return this.outcomeOf(intent, idempotencyKey);
    } catch (error) {
      return chargeOutcomeFromError(error, idempotencyKey);
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const refund = await call(() =>
      this.stripe.refunds.create(
        {
          payment_intent: request.paymentIntentId,
          amount: request.amount.amount,
          ...(request.reason ? { reason: request.reason } : {}),
          metadata: { tenant_id: request.tenantId, refund_id: request.refundId },
        },
        { idempotencyKey: `refund:${request.refundId}` },
      ),
    );
    if (refund.status === 'succeeded' || refund.status === 'pending') return { status: refund.status, gatewayRefundId: refund.id };
    return { status: 'failed', gatewayRefundId: refund.id, reason: refund.failure_reason ?? refund.status ?? 'unknown' };
  }

  async getPayment(paymentIntentId: string): Promise<PaymentState> {
    return paymentStateOf(await call(() => this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] })));
  }

  async findPaymentForAttempt(input: { gatewayCustomerId: string; invoiceId: string; attempt: number; createdFrom: number }): Promise<PaymentState | null> {
    let startingAfter: string | undefined;
    for (;;) {
      const page = await call(() =>
        this.stripe.paymentIntents.list({
          customer: input.gatewayCustomerId,
          created: { gte: Math.floor(input.createdFrom / 1000) },
          limit: 100,
          expand: ['data.latest_charge'],
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
      const found = page.data.find((intent) => intent.metadata.invoice_id === input.invoiceId && intent.metadata.attempt === String(input.attempt));
      if (found) return paymentStateOf(found);
      if (!page.has_more || page.data.length === 0) return null;
      startingAfter = page.data.at(-1)!.id;
    }
  }

  async listPayments(input: { createdFrom: number; createdTo: number; startingAfter?: string | null }): Promise<{ payments: PaymentState[]; nextCursor: string | null }> {
    const page = await call(() =>
      this.stripe.paymentIntents.list({
        created: { gte: Math.floor(input.createdFrom / 1000), lt: Math.ceil(input.createdTo / 1000) },
        limit: 100,
        expand: ['data.latest_charge'],
        ...(input.startingAfter ? { starting_after: input.startingAfter } : {}),
      }),
    );
    return { payments: page.data.map(paymentStateOf), nextCursor: page.has_more && page.data.length > 0 ? page.data.at(-1)!.id : null };
  }

  private async defaultPaymentMethod(gatewayCustomerId: string): Promise<string | null> {
    const customer = await call(() => this.stripe.customers.retrieve(gatewayCustomerId));
    if (customer.deleted) throw new GatewayRequestError(`customer ${gatewayCustomerId} was deleted at the gateway`, 'resource_missing');
    return idOf(customer.invoice_settings.default_payment_method);
  }

  private outcomeOf(intent: Stripe.PaymentIntent, idempotencyKey: string): ChargeOutcome {
    switch (intent.status) {
      case 'succeeded':
        return { status: 'succeeded', paymentIntentId: intent.id, chargeId: idOf(intent.latest_charge), idempotencyKey };
      case 'requires_action':
        return { status: 'requires_action', paymentIntentId: intent.id, clientSecret: intent.client_secret, idempotencyKey };
      case 'processing':
        // Card payments settle synchronously; anything still processing resolves by webhook.
        return { status: 'requires_action', paymentIntentId: intent.id, clientSecret: null, idempotencyKey };
      default: {
        const lastError = intent.last_payment_error;
        const code = lastError?.code ?? 'payment_failed';
        return {
          status: 'declined',
          paymentIntentId: intent.id,
          chargeId: idOf(intent.latest_charge),
          idempotencyKey,
          code,
          declineCode: lastError?.decline_code ?? code,
          message: lastError?.message ?? `payment ended in status ${intent.status}`,
          hardDecline: false,
        };
      }
    }
  }
}
