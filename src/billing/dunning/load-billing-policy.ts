import { DEFAULT_DUNNING_POLICY } from '../../domain/index.js';
import type { DunningPolicy } from '../../domain/index.js';
import type { Db } from '../db.js';

export type TrialEndBehavior = 'cancel' | 'pause' | 'create_invoice';

/** What the subscription workflow follows when collection fails or a trial ends. */
export interface BillingPolicy {
  dunning: DunningPolicy;
  /** What a trial that ends without a payment method does (Stripe's `missing_payment_method`). */
  trialEndWithoutPaymentMethod: TrialEndBehavior;
  /** How long an invoice with usage stays a draft so late events land on it (ms). */
  usageGracePeriodMs: number;
}

export const DEFAULT_USAGE_GRACE_PERIOD_HOURS = 1;

/** The tenant's dunning policy and trial-end behaviour; the defaults when it has none. */
export async function loadBillingPolicy(prisma: Db, input: { tenantId: string }): Promise<BillingPolicy> {
  const [row, settings] = await Promise.all([prisma.dunningPolicy.findUnique({ where: { tenantId: input.tenantId } }), prisma.billingSettings.findUnique({ where: { tenantId: input.tenantId } })]);
  const usageGracePeriodMs = (settings?.usageGracePeriodHours ?? DEFAULT_USAGE_GRACE_PERIOD_HOURS) * 3_600_000;
  if (row === null) {
    return {
      dunning: { ...DEFAULT_DUNNING_POLICY, retryOffsetsDays: [...DEFAULT_DUNNING_POLICY.retryOffsetsDays] },
      trialEndWithoutPaymentMethod: 'create_invoice',
      usageGracePeriodMs,
    };
  }
  const invoiceFinalState = row.invoiceFinalState === 'open' ? 'open' : 'uncollectible';
  const dunning: DunningPolicy = {
    retryOffsetsDays: row.retryOffsetsDays,
    ...(row.maxAttempts === null ? {} : { maxAttempts: row.maxAttempts }),
    hardDeclineCodes: row.hardDeclineCodes,
    finalAction: row.finalAction,
    invoiceFinalState,
  };
  return { dunning, trialEndWithoutPaymentMethod: row.trialEndWithoutPaymentMethod, usageGracePeriodMs };
}
