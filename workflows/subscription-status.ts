/**
 * The statuses of a subscription, written once. The workflow owns every status change; the
 * database column (Prisma's `SubscriptionStatus` enum) is checked against this list in
 * test/unit/workflows/subscription-status.test.ts.
 */
export const SUBSCRIPTION_STATUSES = ['incomplete', 'trialing', 'active', 'past_due', 'paused', 'canceled', 'unpaid'] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
