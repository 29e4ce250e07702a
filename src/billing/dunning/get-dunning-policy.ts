import { z } from 'zod';
import { DEFAULT_DUNNING_POLICY } from '../../domain/index.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { toDunningPolicyView } from './views.js';
import type { DunningPolicyView } from './views.js';

const getDunningPolicyInput = z.object({ tenantId: idSchema });

export type GetDunningPolicyInput = z.input<typeof getDunningPolicyInput>;

/**
 * The tenant's dunning policy as the workflows apply it: the saved one, or, with
 * `isDefault: true`, the defaults activities/load-billing-policy.ts falls back to (the domain's
 * DEFAULT_DUNNING_POLICY; trials without a payment method create an invoice).
 */
export async function getDunningPolicy(prisma: Db, input: GetDunningPolicyInput): Promise<DunningPolicyView> {
  const { tenantId } = parseInput(getDunningPolicyInput, input);
  const row = await prisma.dunningPolicy.findUnique({ where: { tenantId } });
  if (row === null) {
    if ((await prisma.tenant.count({ where: { id: tenantId } })) === 0) throw notFound('tenant', tenantId);
    return toDunningPolicyView(
      { tenantId, dunning: DEFAULT_DUNNING_POLICY, trialEndWithoutPaymentMethod: 'create_invoice' },
      { isDefault: true, updatedAt: null },
    );
  }
  const dunning = {
    retryOffsetsDays: row.retryOffsetsDays,
    ...(row.maxAttempts === null ? {} : { maxAttempts: row.maxAttempts }),
    hardDeclineCodes: row.hardDeclineCodes,
    finalAction: row.finalAction,
    // The column is text; load-billing-policy reads anything but 'open' as uncollectible, and so do we.
    invoiceFinalState: row.invoiceFinalState === 'open' ? ('open' as const) : ('uncollectible' as const),
  };
  return toDunningPolicyView({ tenantId, dunning, trialEndWithoutPaymentMethod: row.trialEndWithoutPaymentMethod }, { isDefault: false, updatedAt: row.updatedAt });
}
