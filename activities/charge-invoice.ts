import { moneyFromColumn } from '../src/billing/amounts.js';
import { failure } from '../src/billing/failures.js';
import { ensureGatewayCustomer } from '../src/billing/customers/ensure-gateway-customer.js';
import { newId } from '../src/ids.js';
import { chargeIdempotencyKey, GatewayRequestError } from '../src/payments/gateway.js';
import type { ChargeOutcome } from '../src/payments/gateway.js';
import type { ActivityDependencies } from './index.js';
import { requireInvoice } from './invoice-summary.js';
import type { ChargeInvoiceInput, ChargeInvoiceResult } from './types.js';

/** The payment method to charge: the customer's default, unless it was detached (then the gateway's default). */
async function defaultPaymentMethodId(deps: ActivityDependencies, tenantId: string, customerId: string): Promise<string | null> {
  const customer = await deps.prisma.customer.findFirst({ where: { id: customerId, tenantId }, include: { defaultPaymentMethod: true } });
  const method = customer?.defaultPaymentMethod ?? null;
  return method === null || method.detachedAt !== null ? null : method.gatewayPaymentMethodId;
}

async function charge(deps: ActivityDependencies, request: Parameters<ActivityDependencies['gateway']['chargeInvoice']>[0]): Promise<ChargeOutcome> {
  try {
    return await deps.gateway.chargeInvoice(request);
  } catch (error) {
    // RetryableGatewayError (and anything unknown) propagates: Temporal retries with the same key.
    if (error instanceof GatewayRequestError) throw failure('gateway_error', error.message, { code: error.code });
    throw error;
  }
}

/**
 * Charges attempt `n` of an invoice. The invoice is reloaded first, so a paid, void or
 * uncollectible invoice is never charged; the attempt row is inserted once (its unique
 * idempotency key is the gateway's key), so a retry of this activity, even after the gateway
 * committed the charge, replays the same charge. The outcome is returned, not recorded:
 * recordPaymentOutcome writes it.
 */
export async function chargeInvoice(deps: ActivityDependencies, input: ChargeInvoiceInput): Promise<ChargeInvoiceResult> {
  const { tenantId, invoiceId, attempt } = input;
  const idempotencyKey = chargeIdempotencyKey(invoiceId, attempt);
  const invoice = await requireInvoice(deps.prisma, tenantId, invoiceId);
  if (invoice.status === 'paid') return { status: 'already_paid', idempotencyKey };
  if (invoice.status !== 'open') return { status: 'not_collectible', idempotencyKey, invoiceStatus: invoice.status };
  await deps.prisma.paymentAttempt.createMany({
    data: [{ id: newId('pa'), tenantId, invoiceId, attemptNumber: attempt, idempotencyKey, status: 'pending', amount: invoice.amountDue, currency: invoice.currency }],
    skipDuplicates: true,
  });
  const gatewayCustomerId = await ensureGatewayCustomer(deps.prisma, deps.gateway, { tenantId, customerId: invoice.customerId });
  return charge(deps, {
    tenantId,
    invoiceId,
    subscriptionId: invoice.subscriptionId,
    attempt,
    amount: moneyFromColumn(invoice.amountDue, invoice.currency),
    gatewayCustomerId,
    paymentMethodId: await defaultPaymentMethodId(deps, tenantId, invoice.customerId),
    description: invoice.number === null ? `Invoice ${invoice.id}` : `Invoice ${invoice.number}`,
  });
}
