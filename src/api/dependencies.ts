import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma-client.js';
import type { PaymentGateway } from '../payments/gateway.js';
import type { RateLimitOptions } from './rate-limit.js';

/** What the /v1 routes need. Tests pass the same real parts (Postgres, a Temporal server, the sandbox). */
export interface BillingApiDependencies {
  prisma: PrismaClient;
  temporal: Client;
  gateway: PaymentGateway;
  /** The task queue subscription workflows are started on (the worker's TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /**
   * The billing clock, epoch ms. Production uses the wall clock; workflow tests pass the
   * time-skipping server's clock so "now" means the same instant to the API and the workflow.
   */
  now?: () => Promise<number>;
  rateLimit?: RateLimitOptions;
}

/** The billing clock of these dependencies: theirs, or the wall clock. */
export function billingNow(deps: BillingApiDependencies): () => Promise<number> {
  return deps.now ?? (() => Promise.resolve(Date.now()));
}
