import { DEFAULT_DUNNING_POLICY } from '../src/domain/index.js';
import type { DunningPolicy } from '../src/domain/index.js';
import type { ActivityDependencies } from './index.js';
import type { BillingPolicy } from './types.js';

/** The tenant's dunning policy and trial-end behaviour; the defaults when it has none. */
export async function loadBillingPolicy({ prisma }: ActivityDependencies, input: { tenantId: string }): Promise<BillingPolicy> {
  const row = await prisma.dunningPolicy.findUnique({ where: { tenantId: input.tenantId } });
  if (row === null) {
    return {
      dunning: { ...DEFAULT_DUNNING_POLICY, retryOffsetsDays: [...DEFAULT_DUNNING_POLICY.retryOffsetsDays] },
      trialEndWithoutPaymentMethod: 'create_invoice',
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
  return { dunning, trialEndWithoutPaymentMethod: row.trialEndWithoutPaymentMethod };
}
