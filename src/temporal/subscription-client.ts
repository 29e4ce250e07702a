import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { getStateQuery, paymentMethodUpdatedSignal, type SubscriptionView } from '../../workflows/subscription-messages.js';
import type { subscriptionWorkflow } from '../../workflows/subscription.js';
import { subscriptionWorkflowId } from './workflow-ids.js';

export type SubscriptionHandle = WorkflowHandle<typeof subscriptionWorkflow>;

/**
 * Starts the subscription's workflow. Starting twice is harmless: the workflow id is the
 * subscription's, so a retried create finds the running workflow and leaves it alone.
 */
export async function startSubscriptionWorkflow(
  client: Client,
  input: { tenantId: string; subscriptionId: string; taskQueue: string },
): Promise<SubscriptionHandle> {
  const workflowId = subscriptionWorkflowId(input.subscriptionId);
  try {
    return await client.workflow.start<typeof subscriptionWorkflow>('subscriptionWorkflow', {
      taskQueue: input.taskQueue,
      workflowId,
      args: [{ tenantId: input.tenantId, subscriptionId: input.subscriptionId }],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<typeof subscriptionWorkflow>(workflowId);
    throw error;
  }
}

export function subscriptionHandle(client: Client, subscriptionId: string): SubscriptionHandle {
  return client.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(subscriptionId));
}

const QUERY_DEADLINE_MS = 3_000;

/** The workflow's live view, or null when it cannot answer (ended long ago, or no worker is polling). */
export async function querySubscriptionState(client: Client, subscriptionId: string): Promise<SubscriptionView | null> {
  try {
    return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => subscriptionHandle(client, subscriptionId).query(getStateQuery));
  } catch {
    return null;
  }
}

/**
 * Tells every live subscription of a customer that it has a new default payment method, so
 * past-due invoices are retried at once. A workflow that has ended simply isn't signalled.
 */
export async function notifyPaymentMethodUpdated(client: Client, subscriptionIds: readonly string[], paymentMethodId: string): Promise<void> {
  await Promise.all(
    subscriptionIds.map(async (subscriptionId) => {
      try {
        await subscriptionHandle(client, subscriptionId).signal(paymentMethodUpdatedSignal, { paymentMethodId });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }),
  );
}
