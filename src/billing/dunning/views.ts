import { z } from 'zod';
import { DEFAULT_HARD_DECLINE_CODES } from '../../domain/index.js';
import type { DunningPolicy } from '../../domain/index.js';
import { DunningFinalAction, TrialEndBehavior } from '../../generated/prisma/enums.js';
import { isoOrNull } from '../view-fields.js';

/**
 * What the API returns for a tenant's dunning policy: the one the subscription workflows use,
 * stored or default, with every default written out (the effective policy, not the input). The
 * interface is what code builds; the schema (same shape, checked in
 * test/integration/billing/read-operations.test.ts) documents the response in OpenAPI. Its fields
 * are the ones saveDunningPolicy accepts, so a client can read, change and save it back.
 */

export const dunningPolicyViewSchema = z
  .object({
    id: z.string().describe("One policy per tenant: the tenant's id"),
    object: z.literal('dunning_policy'),
    retryOffsetsDays: z.array(z.number()).describe('Retry times, in days after the first failed attempt, strictly increasing'),
    maxAttempts: z.int().nullable().describe('Total attempts including the first; null means one per retry offset plus the first'),
    hardDeclineCodes: z.array(z.string()).describe('Decline codes after which dunning stops at once'),
    finalAction: z.enum(DunningFinalAction).describe('What happens to the subscription when dunning gives up'),
    invoiceFinalState: z.enum(['uncollectible', 'open']).describe("The failed invoice's state when dunning gives up"),
    trialEndWithoutPaymentMethod: z.enum(TrialEndBehavior),
    isDefault: z.boolean().describe('true: the tenant has saved no policy and these are the defaults'),
    updatedAt: z.iso.datetime().nullable().describe('null for the default policy'),
  })
  .meta({ id: 'DunningPolicy' });

export interface DunningPolicyView {
  id: string;
  object: 'dunning_policy';
  retryOffsetsDays: number[];
  maxAttempts: number | null;
  hardDeclineCodes: string[];
  finalAction: DunningFinalAction;
  invoiceFinalState: 'uncollectible' | 'open';
  trialEndWithoutPaymentMethod: TrialEndBehavior;
  isDefault: boolean;
  updatedAt: string | null;
}

/**
 * The view of a policy in the shape the workflows load it (`BillingPolicy`) and saveDunningPolicy
 * returns (`SavedDunningPolicy`), so the API can answer a save without reading it back:
 * `toDunningPolicyView(saved, { isDefault: false, updatedAt })`.
 */
export function toDunningPolicyView(
  policy: { tenantId: string; dunning: DunningPolicy; trialEndWithoutPaymentMethod: TrialEndBehavior },
  meta: { isDefault: boolean; updatedAt: Date | null },
): DunningPolicyView {
  const { dunning } = policy;
  return {
    id: policy.tenantId,
    object: 'dunning_policy',
    retryOffsetsDays: [...dunning.retryOffsetsDays],
    maxAttempts: dunning.maxAttempts ?? null,
    // The same defaults the domain resolves a policy with (dunning-policy.ts).
    hardDeclineCodes: [...(dunning.hardDeclineCodes ?? DEFAULT_HARD_DECLINE_CODES)],
    finalAction: dunning.finalAction,
    invoiceFinalState: dunning.invoiceFinalState ?? (dunning.finalAction === 'leave_past_due' ? 'open' : 'uncollectible'),
    trialEndWithoutPaymentMethod: policy.trialEndWithoutPaymentMethod,
    isDefault: meta.isDefault,
    updatedAt: isoOrNull(meta.updatedAt),
  };
}
