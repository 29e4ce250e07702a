/**
 * The statuses of a subscription and the one place they change. Every status write in the
 * workflow is a named transition over the table below; a transition the table does not list for
 * the current status is a bug (it throws, and the workflow's step boundary parks the
 * subscription for an operator instead of failing). The database column (Prisma's
 * `SubscriptionStatus` enum) is checked against this list in test/unit/workflows.
 */
export const SUBSCRIPTION_STATUSES = ['incomplete', 'trialing', 'active', 'past_due', 'paused', 'canceled', 'unpaid'] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export type StatusTransition = 'activate' | 'fall_past_due' | 'recover' | 'pause' | 'resume' | 'cancel' | 'mark_unpaid' | 'expire';

/** From → to, per transition. A status a transition leaves as it is appears mapped to itself. */
export const STATUS_TRANSITIONS: { readonly [T in StatusTransition]: Readonly<Partial<Record<SubscriptionStatus, SubscriptionStatus>>> } = {
  /** Billing begins: the first invoice is paid, or a trial ends into its first period. */
  activate: { incomplete: 'active', trialing: 'active' },
  /** A payment failed and dunning goes on. A first invoice failing leaves the subscription incomplete (as in Stripe); a paused one stays paused. */
  fall_past_due: { active: 'past_due', past_due: 'past_due', incomplete: 'incomplete', paused: 'paused' },
  /** Nothing is failing any more (paid, voided, or a new card for an unpaid subscription). */
  recover: { active: 'active', past_due: 'active', unpaid: 'active', incomplete: 'active', paused: 'paused' },
  /** Collection pauses, asked for or because a trial ended without a way to pay. */
  pause: { active: 'paused', past_due: 'paused', trialing: 'paused' },
  /** Collection resumes; a failing invoice makes it past due again (`fall_past_due` after). */
  resume: { paused: 'active' },
  /** Ends it: asked for, at the period end, or dunning's final action. */
  cancel: { incomplete: 'canceled', trialing: 'canceled', active: 'canceled', past_due: 'canceled', paused: 'canceled', unpaid: 'canceled' },
  /** Dunning gave up and the policy keeps the subscription without billing it. */
  mark_unpaid: { incomplete: 'unpaid', active: 'unpaid', past_due: 'unpaid' },
  /** A trial ended with no payment method and the policy says to end it. */
  expire: { trialing: 'canceled' },
};

export function allows(status: SubscriptionStatus, transition: StatusTransition): boolean {
  return STATUS_TRANSITIONS[transition][status] !== undefined;
}

/** The status after `transition`; throws for a transition the table does not allow from `status`. */
export function nextStatus(status: SubscriptionStatus, transition: StatusTransition): SubscriptionStatus {
  const next = STATUS_TRANSITIONS[transition][status];
  if (next === undefined) throw new Error(`a ${status} subscription cannot ${transition.replace('_', ' ')}`);
  return next;
}

/** Applies a transition to the workflow's state: the only status assignment in workflows/. */
export function transition(state: { status: SubscriptionStatus }, name: StatusTransition): void {
  state.status = nextStatus(state.status, name);
}

interface CollectingState {
  status: SubscriptionStatus;
  collections: ReadonlyArray<{ purpose: 'period' | 'change' | 'final'; attempts: readonly unknown[] }>;
}

/** Whether a period's invoice is still failing to be paid (a change's invoice never makes a subscription past due). */
export function isFailing(state: CollectingState): boolean {
  return state.collections.some((c) => c.purpose === 'period' && c.attempts.length > 0);
}

/** The one version of "back to active when nothing is failing", after an invoice is paid or voided. */
export function recoverUnlessFailing(state: CollectingState): void {
  if (!isFailing(state) && allows(state.status, 'recover')) transition(state, 'recover');
}
