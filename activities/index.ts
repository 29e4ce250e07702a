import type { PrismaClient } from '../src/db/prisma-client.js';
import type { PaymentGateway } from '../src/payments/gateway.js';

/** What activities need from the outside world, injected so tests can supply real or fake parts. */
export interface ActivityDependencies {
  prisma: PrismaClient;
  gateway: PaymentGateway;
}

/**
 * Builds the activity implementations the worker registers. Activities are verb-named, thin and
 * idempotent; the subscription lifecycle adds them here.
 */
export function createActivities(_dependencies: ActivityDependencies): Record<string, (...args: never[]) => Promise<unknown>> {
  return {};
}
