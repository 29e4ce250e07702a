import type { PrismaClient } from '../../db/prisma-client.js';
import type { SubscriptionWorkflows } from './subscription-workflows.js';

/**
 * What the subscription commands run on: the database, the subscription workflows, and the
 * billing clock (epoch ms). Production uses the wall clock; tests pass the time-skipping
 * server's, so "now" is the same instant to the API and the workflow.
 */
export interface SubscriptionCommandDependencies {
  prisma: PrismaClient;
  workflows: SubscriptionWorkflows;
  now: () => Promise<number>;
}
