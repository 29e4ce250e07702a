import {
  amountCollected,
  amountInvoiced,
  dunningAttempts,
  invoicesIssued,
  paymentAttempts,
  reconciliationDiscrepancies,
} from '../../observability/metrics.js';

/** Stripe's documented decline codes (https://docs.stripe.com/declines/codes): a bounded label set. */
const DECLINE_CODES = new Set([
  'authentication_required', 'approve_with_id', 'call_issuer', 'card_not_supported', 'card_velocity_exceeded',
  'currency_not_supported', 'do_not_honor', 'do_not_try_again', 'duplicate_transaction', 'expired_card', 'fraudulent',
  'generic_decline', 'incorrect_number', 'incorrect_cvc', 'incorrect_pin', 'incorrect_zip', 'insufficient_funds',
  'invalid_account', 'invalid_amount', 'invalid_cvc', 'invalid_expiry_month', 'invalid_expiry_year', 'invalid_number',
  'invalid_pin', 'issuer_not_available', 'lost_card', 'merchant_blacklist', 'new_account_information_available',
  'no_action_taken', 'not_permitted', 'offline_pin_required', 'online_or_offline_pin_required', 'pickup_card',
  'pin_try_exceeded', 'processing_error', 'reenter_transaction', 'restricted_card', 'revocation_of_all_authorizations',
  'revocation_of_authorization', 'security_violation', 'service_not_allowed', 'stolen_card', 'stop_payment_order',
  'testmode_decline', 'transaction_not_allowed', 'try_again_later', 'withdrawal_count_limit_exceeded',
]);

/** A decline code as a label: Stripe's own, `none`, or `other` for anything else (cardinality stays bounded). */
export function declineCodeLabel(code: unknown): string {
  if (code === null || code === undefined || code === '') return 'none';
  return typeof code === 'string' && DECLINE_CODES.has(code) ? code : 'other';
}

/** The outcome of a failed payment as a label, from its event's `reason`. */
function failureOutcome(reason: unknown): string {
  return reason === 'declined' || reason === 'no_payment_method' || reason === 'rejected' ? reason : 'failed';
}

interface MoneyFacts {
  amount?: unknown;
  currency?: unknown;
}

function money(value: unknown): { amount: number; currency: string } | undefined {
  const { amount, currency } = (value ?? {}) as MoneyFacts;
  return typeof amount === 'number' && typeof currency === 'string' ? { amount, currency: currency.toUpperCase() } : undefined;
}

export interface RelayedEvent {
  type: string;
  payload: Record<string, unknown>;
}

/**
 * The billing counters, from the outbox events the relay has just moved. Each event is written
 * once, in the same transaction as the change it reports, and relayed once, so the counters
 * agree with the database: `billing_invoices_issued_total` is the number of invoices finalized.
 */
export function recordEventMetrics(events: readonly RelayedEvent[]): void {
  for (const { type, payload } of events) {
    switch (type) {
      case 'invoice.finalized': {
        const total = money(payload.total) ?? money(payload.amountDue);
        invoicesIssued.inc({ currency: total?.currency ?? 'XXX' });
        if (total !== undefined) amountInvoiced.inc({ currency: total.currency }, total.amount);
        break;
      }
      case 'payment.succeeded': {
        const amount = money(payload.amount);
        if (amount !== undefined) amountCollected.inc({ currency: amount.currency }, amount.amount);
        paymentAttempts.inc({ outcome: 'succeeded', decline_code: 'none' });
        if (typeof payload.attempt === 'number' && payload.attempt > 1) dunningAttempts.inc({ outcome: 'succeeded' });
        break;
      }
      case 'payment.failed': {
        const outcome = failureOutcome(payload.reason);
        paymentAttempts.inc({ outcome, decline_code: declineCodeLabel(payload.declineCode) });
        if (typeof payload.attempt === 'number' && payload.attempt > 1) dunningAttempts.inc({ outcome });
        break;
      }
      case 'reconciliation.discrepancy':
        reconciliationDiscrepancies.inc({ kind: typeof payload.kind === 'string' && /^[a-z_]{1,40}$/.test(payload.kind) ? payload.kind : 'other' });
        break;
      default:
        break;
    }
  }
}
