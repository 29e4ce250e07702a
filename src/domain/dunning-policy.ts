import { DomainError } from './errors.js';
import { MS_PER_DAY, toInstant } from './instant.js';
import type { Instant, InstantInput } from './instant.js';

/**
 * What happens to the subscription when dunning gives up (Stripe's "subscription status after
 * all retries fail"): cancel it, mark it `unpaid` (kept but no longer invoiced or served), or
 * leave it `past_due`.
 */
export type DunningFinalAction = 'cancel' | 'mark_unpaid' | 'leave_past_due';

/**
 * The failed invoice's state after dunning: `uncollectible` (written off as bad debt, can still be
 * paid later) or left `open` (still owed and collectable). `void` is deliberately not offered: it
 * states the invoice was issued in error, which is false for an unpaid one.
 */
export type DunningInvoiceState = 'uncollectible' | 'open';

/** A tenant's dunning policy. Plain JSON. */
export interface DunningPolicy {
  /** When to retry, in days after the FIRST failed attempt, strictly increasing (fractions allowed). */
  readonly retryOffsetsDays: readonly number[];
  /** Total attempts including the first charge; defaults to 1 + number of offsets. */
  readonly maxAttempts?: number;
  /** Decline codes after which retrying cannot succeed; defaults to {@link DEFAULT_HARD_DECLINE_CODES}. */
  readonly hardDeclineCodes?: readonly string[];
  readonly finalAction: DunningFinalAction;
  /** Defaults to `open` for `leave_past_due` (still collecting), `uncollectible` otherwise. */
  readonly invoiceFinalState?: DunningInvoiceState;
}

/** One charge attempt on the invoice, in chronological order. */
export interface PaymentAttempt {
  readonly at: InstantInput;
  readonly outcome: 'succeeded' | 'failed';
  /** The processor's decline code (Stripe `decline_code`), when failed. */
  readonly declineCode?: string | null;
}

/** The next thing the subscription workflow does about an invoice's payment. */
export type DunningStep =
  | { readonly kind: 'paid'; readonly at: Instant }
  | { readonly kind: 'retry'; readonly at: Instant; readonly attempt: number }
  | {
      readonly kind: 'final';
      readonly action: DunningFinalAction;
      readonly invoiceState: DunningInvoiceState;
      readonly reason: 'hard_decline' | 'attempts_exhausted';
      readonly declineCode: string | null;
    };

/**
 * Decline codes that mean "never approve": the issuer has blocked the card or the account, so
 * retrying only adds network fees (Visa's category 1 and Mastercard's "do not try again" advice
 * forbid reattempts). Stripe's own guidance for these codes is "the customer must use another
 * card", and the card networks' reattempt rules count them against the merchant.
 * `do_not_honor`, `generic_decline`, `insufficient_funds`, `card_velocity_exceeded`,
 * `processing_error`, `try_again_later` and `issuer_not_available` are soft and left retryable:
 * issuers use them for transient states and Stripe's Smart Retries recover many of them.
 * `expired_card`, `incorrect_number` and `invalid_account` are hard because the same card data can
 * never succeed; a new payment method triggers an immediate retry outside this schedule anyway.
 */
export const DEFAULT_HARD_DECLINE_CODES: readonly string[] = Object.freeze([
  'stolen_card',
  'lost_card',
  'pickup_card',
  'fraudulent',
  'restricted_card',
  'do_not_try_again',
  'security_violation',
  'revocation_of_authorization',
  'revocation_of_all_authorizations',
  'stop_payment_order',
  'transaction_not_allowed',
  'card_not_supported',
  'currency_not_supported',
  'invalid_account',
  'incorrect_number',
  'expired_card',
  'new_account_information_available',
]);

/**
 * Four retries within a week of the first failure (5 attempts in all), then cancel and write the
 * invoice off. Comparable to Stripe's recommended schedule in spirit (several tries spread over
 * days, not hours) and well inside Visa's limit of 15 reattempts in 30 days.
 */
export const DEFAULT_DUNNING_POLICY: DunningPolicy = Object.freeze({
  retryOffsetsDays: Object.freeze([1, 3, 5, 7]),
  finalAction: 'cancel',
  invoiceFinalState: 'uncollectible',
});

const FINAL_ACTIONS: readonly DunningFinalAction[] = ['cancel', 'mark_unpaid', 'leave_past_due'];
const INVOICE_STATES: readonly DunningInvoiceState[] = ['uncollectible', 'open'];

interface ResolvedPolicy {
  readonly offsetsMs: readonly number[];
  readonly maxAttempts: number;
  readonly hardDeclines: ReadonlySet<string>;
  readonly finalAction: DunningFinalAction;
  readonly invoiceState: DunningInvoiceState;
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new DomainError('invalid_dunning_policy', message, details);
}

function resolvePolicy(policy: DunningPolicy): ResolvedPolicy {
  const offsets = policy.retryOffsetsDays;
  if (!Array.isArray(offsets)) {
    invalid('retryOffsetsDays must be an array of days');
  }
  const offsetsMs = offsets.map((days: number) => {
    if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
      invalid('Retry offsets must be positive numbers of days', { days });
    }
    return Math.round(days * MS_PER_DAY);
  });
  offsetsMs.forEach((offset, index) => {
    if (index > 0 && offset <= (offsetsMs[index - 1] ?? 0)) {
      invalid('Retry offsets must be strictly increasing', { retryOffsetsDays: offsets });
    }
  });
  const maxAttempts = policy.maxAttempts ?? offsetsMs.length + 1;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > offsetsMs.length + 1) {
    invalid('maxAttempts must be between 1 and the number of retry offsets + 1', { maxAttempts });
  }
  if (!FINAL_ACTIONS.includes(policy.finalAction)) {
    invalid(`Unknown final action: ${String(policy.finalAction)}`, { finalAction: policy.finalAction });
  }
  const invoiceState = policy.invoiceFinalState ?? (policy.finalAction === 'leave_past_due' ? 'open' : 'uncollectible');
  if (!INVOICE_STATES.includes(invoiceState)) {
    invalid(`Unknown invoice final state: ${String(invoiceState)}`, { invoiceFinalState: invoiceState });
  }
  const codes = policy.hardDeclineCodes ?? DEFAULT_HARD_DECLINE_CODES;
  return {
    offsetsMs,
    maxAttempts,
    hardDeclines: new Set(codes.map((code) => code.trim().toLowerCase())),
    finalAction: policy.finalAction,
    invoiceState,
  };
}

/** Throws `invalid_dunning_policy` unless the policy is usable. */
export function assertDunningPolicy(policy: DunningPolicy): void {
  resolvePolicy(policy);
}

/** The planned retry instants for a first failure at `firstFailureAt`, honouring `maxAttempts`. */
export function dunningSchedule(policy: DunningPolicy, firstFailureAt: InstantInput): Instant[] {
  const resolved = resolvePolicy(policy);
  const first = toInstant(firstFailureAt, 'firstFailureAt');
  return resolved.offsetsMs.slice(0, resolved.maxAttempts - 1).map((offset) => toInstant(first + offset, 'retry'));
}

/** Whether a decline code stops retrying under the policy (case-insensitive). */
export function isHardDecline(policy: DunningPolicy, declineCode: string | null | undefined): boolean {
  return typeof declineCode === 'string' && resolvePolicy(policy).hardDeclines.has(declineCode.trim().toLowerCase());
}

/**
 * Turns an invoice's payment-attempt history into the next step. Retries are planned at fixed
 * offsets from the FIRST failure (not chained from the previous attempt), so a retry that ran
 * late or an extra attempt after a card update never pushes the whole schedule back: the next
 * retry is the first planned instant after the latest attempt. The sequence ends with the final
 * action when the last decline is hard, when `maxAttempts` attempts have failed, or when no
 * planned instant is left.
 */
export function nextDunningStep(policy: DunningPolicy, attempts: readonly PaymentAttempt[]): DunningStep {
  const resolved = resolvePolicy(policy);
  if (attempts.length === 0) {
    throw new DomainError('invalid_payment_history', 'Dunning starts after a failed attempt; the history is empty');
  }
  const history = attempts.map((attempt, index) => ({ ...attempt, at: toInstant(attempt.at, `attempts[${index}].at`) }));
  history.forEach((attempt, index) => {
    const previous = history[index - 1];
    if (previous !== undefined && attempt.at < previous.at) {
      throw new DomainError('invalid_payment_history', 'Payment attempts must be in chronological order', { index });
    }
    if (attempt.outcome === 'succeeded' && index !== history.length - 1) {
      throw new DomainError('invalid_payment_history', 'No attempt can follow a successful payment', { index });
    }
    if (attempt.outcome !== 'succeeded' && attempt.outcome !== 'failed') {
      throw new DomainError('invalid_payment_history', `Unknown attempt outcome: ${String(attempt.outcome)}`, { index });
    }
  });
  const last = history[history.length - 1];
  const first = history[0];
  if (last === undefined || first === undefined) {
    throw new DomainError('invalid_payment_history', 'The history is empty');
  }
  if (last.outcome === 'succeeded') {
    return { kind: 'paid', at: last.at };
  }
  const declineCode = typeof last.declineCode === 'string' ? last.declineCode : null;
  const final = (reason: 'hard_decline' | 'attempts_exhausted'): DunningStep => ({
    kind: 'final',
    action: resolved.finalAction,
    invoiceState: resolved.invoiceState,
    reason,
    declineCode,
  });
  if (declineCode !== null && resolved.hardDeclines.has(declineCode.trim().toLowerCase())) {
    return final('hard_decline');
  }
  if (history.length >= resolved.maxAttempts) {
    return final('attempts_exhausted');
  }
  const next = resolved.offsetsMs
    .slice(0, resolved.maxAttempts - 1)
    .map((offset) => first.at + offset)
    .find((at) => at > last.at);
  if (next === undefined) {
    return final('attempts_exhausted');
  }
  return { kind: 'retry', at: toInstant(next, 'retry'), attempt: history.length + 1 };
}
