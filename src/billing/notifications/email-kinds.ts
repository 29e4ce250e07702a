/**
 * The customer emails, each sent for one event type. Every email is sent once per event (a row
 * unique per event and kind), to the customer's email, from the tenant's template or the default.
 */
export const EMAIL_KINDS = {
  invoice_finalized: { event: 'invoice.finalized', description: 'An invoice is due: its number, amount and a link to it.' },
  payment_failed: { event: 'invoice.payment_failed', description: 'A payment failed: the amount, the reason, and when it will be tried again.' },
  payment_succeeded: { event: 'payment.succeeded', description: 'A receipt: the amount paid and the invoice it paid.' },
  trial_ending: { event: 'subscription.trial_will_end', description: 'The trial ends in three days.' },
  upcoming_renewal: { event: 'invoice.upcoming', description: 'The subscription renews soon (the tenant\'s notice period).' },
  subscription_canceled: { event: 'subscription.canceled', description: 'The subscription has ended.' },
} as const;

export type EmailKind = keyof typeof EMAIL_KINDS;

export const EMAIL_KIND_NAMES = Object.keys(EMAIL_KINDS) as EmailKind[];

export function isEmailKind(value: string): value is EmailKind {
  return Object.hasOwn(EMAIL_KINDS, value);
}

/** The email an event of `type` sends, if any. */
export function emailKindFor(type: string): EmailKind | null {
  return EMAIL_KIND_NAMES.find((kind) => EMAIL_KINDS[kind].event === type) ?? null;
}
