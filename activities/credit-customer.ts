import type { Money } from '../src/domain/index.js';
import { adjustCreditBalance } from '../src/billing/credit/adjust-credit-balance.js';
import { failure } from '../src/billing/failures.js';
import type { ActivityDependencies } from './dependencies.js';
import type { CreditCustomerInput } from './types.js';

/** One positive ledger entry per (tenant, sourceKey): a retry finds the entry and adds nothing. */
export async function creditCustomer(deps: ActivityDependencies, input: CreditCustomerInput): Promise<{ balance: Money }> {
  if (!(input.amount.amount > 0)) {
    throw failure('invalid_amount', 'A customer credit must be positive', { amount: input.amount.amount });
  }
  const { balance } = await adjustCreditBalance(deps.prisma, {
    tenantId: input.tenantId,
    customerId: input.customerId,
    amount: input.amount,
    reason: input.reason,
    sourceKey: input.sourceKey,
    invoiceId: input.invoiceId,
  });
  return { balance };
}
