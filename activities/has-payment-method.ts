import { hasPaymentMethod as customerHasPaymentMethod } from '../src/billing/customers/has-payment-method.js';
import type { ActivityDependencies } from './dependencies.js';

export function hasPaymentMethod(deps: ActivityDependencies, input: { tenantId: string; customerId: string }): Promise<boolean> {
  return customerHasPaymentMethod(deps.prisma, input);
}
