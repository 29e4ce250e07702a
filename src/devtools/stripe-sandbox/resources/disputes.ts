import { newId } from '../../../ids.js';
import type { OperationContext } from '../operation-context.js';
import type { ChargeRecord } from '../state.js';
import { unexpectedState } from '../stripe-error.js';
import type { StripeDispute } from '../stripe-objects.js';

/** The cardholder disputes a successful charge; Stripe opens it as fraudulent, needing a response. */
export function disputeCharge(ctx: OperationContext, record: ChargeRecord): StripeDispute {
  const charge = record.object;
  if (charge.status !== 'succeeded') {
    throw unexpectedState('charge_not_disputable', `Charge ${charge.id} has status ${charge.status}; only a successful charge can be disputed.`);
  }
  if (charge.disputed) throw unexpectedState('charge_already_disputed', `Charge ${charge.id} is already disputed.`);
  const dispute: StripeDispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    balance_transactions: [],
    charge: charge.id,
    created: ctx.now(),
    currency: charge.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: 'fraudulent',
    status: 'needs_response',
  };
  ctx.state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  ctx.emit('charge.dispute.created', dispute);
  return dispute;
}

/**
 * The card network decides a dispute: `lost` keeps the money with the cardholder (the charge's
 * funds are withdrawn for good), `won` returns it. Stripe emits `charge.dispute.closed`.
 */
export function closeDispute(ctx: OperationContext, disputeId: string, outcome: 'won' | 'lost'): StripeDispute {
  const dispute = ctx.state.disputes.get(disputeId);
  if (dispute === undefined) throw unexpectedState('resource_missing', `No such dispute: '${disputeId}'`);
  if (dispute.status === 'won' || dispute.status === 'lost') throw unexpectedState('dispute_already_closed', `Dispute ${disputeId} is already ${dispute.status}.`);
  dispute.status = outcome;
  ctx.state.disputes.set(dispute.id, dispute);
  ctx.emit('charge.dispute.closed', dispute);
  return dispute;
}
