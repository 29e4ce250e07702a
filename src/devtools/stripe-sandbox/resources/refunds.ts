import { newId } from '../../../ids.js';
import { listOf } from '../list.js';
import type { OperationContext } from '../operation-context.js';
import { assertKnownParams, type FormParams, readEnum, readInteger, readMetadata, readString } from '../params.js';
import type { ChargeRecord } from '../state.js';
import { invalidParam, unexpectedState } from '../stripe-error.js';
import type { StripeList, StripeRefund } from '../stripe-objects.js';

const REFUND_PARAMS = { payment_intent: true, charge: true, amount: true, reason: true, metadata: true, instructions_email: true } as const;

function chargeToRefund(ctx: OperationContext, params: FormParams): ChargeRecord {
  const chargeId = readString(params, 'charge') || undefined;
  const paymentIntentId = readString(params, 'payment_intent') || undefined;
  if (chargeId === undefined && paymentIntentId === undefined) {
    throw invalidParam('One of the following params should be provided for this request: payment_intent or charge.', 'charge');
  }
  if (chargeId !== undefined) {
    const record = ctx.state.charge(chargeId, 'charge');
    if (paymentIntentId !== undefined && record.object.payment_intent !== paymentIntentId) {
      throw invalidParam(`Charge ${chargeId} does not belong to PaymentIntent ${paymentIntentId}.`, 'payment_intent');
    }
    return record;
  }
  const pi = ctx.state.paymentIntent(paymentIntentId ?? '', 'payment_intent').object;
  if (pi.status !== 'succeeded' || pi.latest_charge === null) {
    throw unexpectedState(
      'charge_not_refundable',
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'payment_intent',
    );
  }
  return ctx.state.charge(pi.latest_charge, 'payment_intent');
}

/**
 * Refunds all or part of what remains on a charge. Refunds settle at once in test mode, so the
 * refund is `succeeded` and the charge's `amount_refunded` moves in the same request.
 */
export function createRefund(ctx: OperationContext, params: FormParams): StripeRefund {
  assertKnownParams(params, REFUND_PARAMS);
  const record = chargeToRefund(ctx, params);
  const charge = record.object;
  const requested = readInteger(params, 'amount');
  const reason = readEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const) ?? null;
  const metadata = readMetadata(params) ?? {};
  if (requested !== undefined && requested < 1) {
    throw invalidParam('Invalid positive integer', 'amount', 'parameter_invalid_integer');
  }
  if (charge.status !== 'succeeded') {
    throw unexpectedState('charge_not_refundable', `Charge ${charge.id} has a status of ${charge.status} and cannot be refunded.`, 'charge');
  }
  if (charge.disputed) {
    throw unexpectedState('charge_disputed', `Charge ${charge.id} has been charged back; refund the customer through the dispute.`, 'charge');
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining === 0) throw unexpectedState('charge_already_refunded', `Charge ${charge.id} has already been refunded.`, 'charge');
  const amount = requested ?? remaining;
  if (amount > remaining) {
    throw unexpectedState(
      'amount_too_large',
      `Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge (${remaining} ${charge.currency})`,
      'amount',
    );
  }
  const refund: StripeRefund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: ctx.now(),
    currency: charge.currency,
    destination_details: { type: 'card', card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' } },
    metadata,
    payment_intent: charge.payment_intent,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  ctx.state.refunds.set(refund.id, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  ctx.emit('refund.created', refund);
  ctx.emit('charge.refunded', charge, previous);
  return refund;
}

export function retrieveRefund(ctx: OperationContext, id: string): StripeRefund {
  return ctx.state.refund(id);
}

export function listRefunds(ctx: OperationContext, params: FormParams): StripeList<StripeRefund> {
  assertKnownParams(params, { charge: true, payment_intent: true, limit: true, starting_after: true, ending_before: true, created: true });
  const charge = readString(params, 'charge');
  const paymentIntent = readString(params, 'payment_intent');
  const refunds = [...ctx.state.refunds.values()].filter(
    (r) => (charge === undefined || r.charge === charge) && (paymentIntent === undefined || r.payment_intent === paymentIntent),
  );
  return listOf(refunds, '/v1/refunds', params, readInteger(params, 'limit'));
}
