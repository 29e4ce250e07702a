import { persistSubscriptionStates as persist, type PersistSubscriptionStateInput } from '../src/billing/subscriptions/persist-subscription-state.js';
import { clockOf, type ActivityDependencies } from './dependencies.js';

export function persistSubscriptionStates(deps: ActivityDependencies, input: { pending: PersistSubscriptionStateInput[] }): Promise<void> {
  return persist(deps.prisma, input.pending, clockOf(deps));
}
