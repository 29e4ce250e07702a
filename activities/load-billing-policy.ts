import { loadBillingPolicy as loadPolicy, type BillingPolicy } from '../src/billing/dunning/load-billing-policy.js';
import type { ActivityDependencies } from './dependencies.js';

export function loadBillingPolicy(deps: ActivityDependencies, input: { tenantId: string }): Promise<BillingPolicy> {
  return loadPolicy(deps.prisma, input);
}
