import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SubscriptionWorkflowProbe, WorkflowStanding } from '../billing/jobs/subscription-workflow-probe.js';
import type { PaymentEvent } from '../payments/payment-events.js';
import { flagAttentionSignal, getStateQuery, paymentEventSignal, usageAccruedSignal, type AttentionFlag } from '../../workflows/subscription-messages.js';
import type { subscriptionWorkflow } from '../../workflows/subscription.js';
import { subscriptionWorkflowId } from './workflow-ids.js';

const QUERY_DEADLINE_MS = 5_000;
type ClosedState = Exclude<WorkflowStanding['state'], 'running' | 'missing'>;
const CLOSED: Record<string, ClosedState> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CANCELLED: 'canceled',
  CONTINUED_AS_NEW: 'continued_as_new',
};

/** Temporal's execution status (`describe().status.name`) in the billing vocabulary; an unknown one counts as failed. */
export function standingOfStatus(status: string): 'running' | ClosedState {
  return status === 'RUNNING' ? 'running' : (CLOSED[status] ?? 'failed');
}

/** The scheduled jobs' view of the subscription workflows, on Temporal. */
export class TemporalSubscriptionWorkflowProbe implements SubscriptionWorkflowProbe {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async runningSubscriptionIds(subscriptionIds: readonly string[]): Promise<Set<string>> {
    const running = new Set<string>();
    if (subscriptionIds.length === 0) return running;
    const ids = subscriptionIds.map((id) => `'${subscriptionWorkflowId(id).replaceAll("'", '')}'`).join(', ');
    const query = `WorkflowType = 'subscriptionWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId IN (${ids})`;
    for await (const execution of this.client.workflow.list({ query })) running.add(execution.workflowId.slice('subscription:'.length));
    return running;
  }

  async standing(subscriptionId: string, options: { query: boolean }): Promise<WorkflowStanding> {
    const handle = this.client.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(subscriptionId));
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { state: 'missing' };
      throw error;
    }
    const state = standingOfStatus(status);
    if (state !== 'running') return { state };
    if (!options.query) return { state: 'running', answers: true };
    try {
      await this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getStateQuery));
      return { state: 'running', answers: true };
    } catch {
      return { state: 'running', answers: false };
    }
  }

  async restart(input: { tenantId: string; subscriptionId: string; flags: AttentionFlag[] }): Promise<boolean> {
    try {
      await this.client.workflow.start<typeof subscriptionWorkflow>('subscriptionWorkflow', {
        taskQueue: this.taskQueue,
        workflowId: subscriptionWorkflowId(input.subscriptionId),
        args: [{ tenantId: input.tenantId, subscriptionId: input.subscriptionId, flags: input.flags }],
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  async flag(subscriptionId: string, flag: AttentionFlag): Promise<boolean> {
    return delivered(() => this.client.workflow.getHandle(subscriptionWorkflowId(subscriptionId)).signal(flagAttentionSignal, flag));
  }

  async usageAccrued(subscriptionId: string): Promise<boolean> {
    return delivered(() => this.client.workflow.getHandle(subscriptionWorkflowId(subscriptionId)).signal(usageAccruedSignal));
  }

  async deliverPaymentEvent(event: PaymentEvent): Promise<boolean> {
    if (!event.subscriptionId) return false;
    const workflowId = subscriptionWorkflowId(event.subscriptionId);
    return delivered(() => this.client.workflow.getHandle(workflowId).signal(paymentEventSignal, event));
  }
}

/** True once signalled; false when no workflow runs to take the signal. */
async function delivered(send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
