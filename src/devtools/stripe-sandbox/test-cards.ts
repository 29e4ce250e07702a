/**
 * Stripe's test payment methods (https://docs.stripe.com/testing) and what each does. The
 * sandbox keeps a card's behaviour on every PaymentMethod created from it, so an attached card
 * declines (or asks for 3-D Secure) exactly like the token it came from.
 */

export interface CardDecline {
  code: string;
  declineCode: string;
  message: string;
  /** Stripe names the offending field for CVC failures. */
  param?: string;
}

export type CardBehaviour =
  /** Every charge succeeds. */
  | { kind: 'succeeds' }
  /** The issuer declines the charge; Stripe also refuses to attach such a card to a customer. */
  | { kind: 'declines'; decline: CardDecline }
  /** Attaching succeeds (the card check passes) but every charge is declined. */
  | { kind: 'declines_after_attach'; decline: CardDecline }
  /** 3-D Secure is required for every payment, on- or off-session, and for setup. */
  | { kind: 'always_authenticate' }
  /** 3-D Secure is required once, at setup (or the first on-session payment); off-session charges then succeed. */
  | { kind: 'authenticate_on_setup' }
  /** The charge succeeds, then the cardholder disputes it. */
  | { kind: 'disputes' };

export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  behaviour: CardBehaviour;
}

const DECLINED = "Your card was declined.";

const declines = (code: string, declineCode: string, message: string, param?: string): CardBehaviour => ({
  kind: 'declines',
  decline: { code, declineCode, message, ...(param === undefined ? {} : { param }) },
});

const visa = (last4: string, behaviour: CardBehaviour): TestCard => ({ brand: 'visa', last4, funding: 'credit', country: 'US', behaviour });

/** Keyed by the suffix after `pm_card_` (Stripe accepts both `pm_card_x` and `pm_card_visa_x`). */
const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  visa: visa('4242', { kind: 'succeeds' }),
  visa_debit: { brand: 'visa', last4: '5556', funding: 'debit', country: 'US', behaviour: { kind: 'succeeds' } },
  mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US', behaviour: { kind: 'succeeds' } },
  amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US', behaviour: { kind: 'succeeds' } },
  chargeDeclined: visa('0002', declines('card_declined', 'generic_decline', DECLINED)),
  chargeDeclinedInsufficientFunds: visa('9995', declines('card_declined', 'insufficient_funds', 'Your card has insufficient funds.')),
  chargeDeclinedLostCard: visa('9987', declines('card_declined', 'lost_card', DECLINED)),
  chargeDeclinedStolenCard: visa('9979', declines('card_declined', 'stolen_card', DECLINED)),
  chargeDeclinedFraudulent: visa('0019', declines('card_declined', 'fraudulent', DECLINED)),
  chargeDeclinedExpiredCard: visa('0069', declines('expired_card', 'expired_card', 'Your card has expired.', 'exp_month')),
  chargeDeclinedIncorrectCvc: visa('0127', declines('incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect.", 'cvc')),
  chargeDeclinedProcessingError: visa(
    '0119',
    declines('processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.'),
  ),
  chargeDeclinedVelocityLimitExceeded: visa(
    '6975',
    declines(
      'card_declined',
      'card_velocity_exceeded',
      'Your card was declined for making repeated attempts too frequently or exceeding its amount limit.',
    ),
  ),
  chargeCustomerFail: visa('0341', {
    kind: 'declines_after_attach',
    decline: { code: 'card_declined', declineCode: 'generic_decline', message: DECLINED },
  }),
  authenticationRequired: visa('3184', { kind: 'always_authenticate' }),
  threeDSecure2Required: visa('3220', { kind: 'always_authenticate' }),
  authenticationRequiredOnSetup: visa('3155', { kind: 'authenticate_on_setup' }),
  createDispute: visa('0259', { kind: 'disputes' }),
};

/** The behaviour of a test token such as `pm_card_visa`, or undefined if it is not one. */
export function testCardFor(token: string): TestCard | undefined {
  if (!token.startsWith('pm_card_')) return undefined;
  const suffix = token.slice('pm_card_'.length);
  const direct = Object.prototype.hasOwnProperty.call(TEST_CARDS, suffix) ? TEST_CARDS[suffix] : undefined;
  if (direct) return direct;
  // pm_card_visa_chargeDeclined and friends: the brand prefix is decoration on Stripe's side too.
  const unbranded = suffix.replace(/^(visa|mastercard|amex)_/, '');
  return unbranded !== suffix && Object.prototype.hasOwnProperty.call(TEST_CARDS, unbranded) ? TEST_CARDS[unbranded] : undefined;
}

/** Every decline code a test card declines with, as the card declines it (the first card for each code). */
const DECLINES_BY_CODE: ReadonlyMap<string, CardDecline> = new Map(
  Object.values(TEST_CARDS)
    .flatMap((card) => (card.behaviour.kind === 'declines' || card.behaviour.kind === 'declines_after_attach' ? [card.behaviour.decline] : []))
    .reverse()
    .map((decline) => [decline.declineCode, decline]),
);

/** The decline codes the sandbox can be told to decline a customer's next charges with. */
export const SCHEDULABLE_DECLINE_CODES: readonly string[] = [...DECLINES_BY_CODE.keys()].sort();

/** A charge declined with `declineCode`, exactly as the test card with that code declines it. */
export function declineWithCode(declineCode: string): CardDecline | undefined {
  return DECLINES_BY_CODE.get(declineCode);
}

/** Stripe's message when an off-session payment needs the customer to authenticate. */
export const AUTHENTICATION_REQUIRED: CardDecline = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};
