import type { PrismaClient } from '../src/db/prisma-client.js';
import type { SubscriptionWorkflowProbe } from '../src/billing/jobs/subscription-workflow-probe.js';
import type { PaymentGateway } from '../src/payments/gateway.js';

/** What activities need from the outside world, injected so tests can supply real parts. */
export interface ActivityDependencies {
  prisma: PrismaClient;
  gateway: PaymentGateway;
  /** The subscription workflows as the scheduled jobs see them; only the job activities need it. */
  probe?: SubscriptionWorkflowProbe;
  /** The clock for timestamps written to rows; defaults to the billing clock (see billing-clock.ts). */
  now?: () => number;
}

/** The billing clock of these dependencies as the Date operations stamp rows with. */
export function clockOf(deps: ActivityDependencies): Date {
  return new Date((deps.now ?? Date.now)());
}
