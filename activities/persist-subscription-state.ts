import { persistSubscriptionState as persist, type PersistSubscriptionStateInput } from '../src/billing/subscriptions/persist-subscription-state.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function persistSubscriptionState(deps: ActivityDependencies, input: PersistSubscriptionStateInput): Promise<void> {
  return persist(deps.prisma, input, clockOf(deps));
}
