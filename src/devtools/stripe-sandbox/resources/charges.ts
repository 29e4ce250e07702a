import { newId } from '../../../ids.js';
import { listOf } from '../list.js';
import type { OperationContext } from '../operation-context.js';
import { assertKnownParams, type FormParams, readInteger, readString } from '../params.js';
import type { ChargeRecord, PaymentIntentRecord, PaymentMethodRecord } from '../state.js';
import type { StripeCharge, StripeChargeOutcome, StripeList } from '../stripe-objects.js';
import type { CardDecline } from '../test-cards.js';

const APPROVED: StripeChargeOutcome = {
  network_status: 'approved_by_network',
  reason: null,
  risk_level: 'normal',
  risk_score: 32,
  seller_message: 'Payment complete.',
  type: 'authorized',
};

function declinedOutcome(decline: CardDecline): StripeChargeOutcome {
  return {
    network_status: 'declined_by_network',
    reason: decline.declineCode,
    risk_level: 'normal',
    risk_score: 32,
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}

/**
 * Records one charge attempt of a PaymentIntent, successful or declined by the issuer. Every
 * attempt is a Charge on Stripe, and the ledger is the list of them.
 */
export function recordCharge(
  ctx: OperationContext,
  intent: PaymentIntentRecord,
  method: PaymentMethodRecord,
  decline: CardDecline | null,
): ChargeRecord {
  const pi = intent.object;
  const card = method.object.card;
  const succeeded = decline === null;
  const charge: StripeCharge = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('txn') : null,
    billing_details: structuredClone(method.object.billing_details),
    calculated_statement_descriptor: 'DURABLE BILLING',
    captured: succeeded,
    created: ctx.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    // Stripe copies the PaymentIntent's metadata onto the charge it creates.
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: succeeded ? { ...APPROVED } : declinedOutcome(decline),
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: method.object.id,
    payment_method_details: {
      type: 'card',
      card: {
        brand: card.brand,
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        last4: card.last4,
      },
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  const record: ChargeRecord = { object: charge, idempotencyKey: ctx.request.idempotencyKey, declineCode: decline?.declineCode ?? null };
  ctx.state.charges.set(charge.id, record);
  pi.latest_charge = charge.id;
  ctx.emit(succeeded ? 'charge.succeeded' : 'charge.failed', charge);
  return record;
}

export function retrieveCharge(ctx: OperationContext, id: string): StripeCharge {
  return ctx.state.charge(id).object;
}

export function listCharges(ctx: OperationContext, params: FormParams): StripeList<StripeCharge> {
  assertKnownParams(params, { customer: true, payment_intent: true, limit: true, starting_after: true, ending_before: true, created: true });
  const customer = readString(params, 'customer');
  const paymentIntent = readString(params, 'payment_intent');
  const charges = [...ctx.state.charges.values()]
    .map((r) => r.object)
    .filter((c) => (customer === undefined || c.customer === customer) && (paymentIntent === undefined || c.payment_intent === paymentIntent));
  return listOf(charges, '/v1/charges', params, readInteger(params, 'limit'));
}
