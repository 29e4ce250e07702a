import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { OutboundDispatcher } from '../billing/events/outbound-dispatcher.js';
import type { DeliveryLane } from '../billing/events/relay-outbox-events.js';
import type { WebhookDeliveryRunner } from '../billing/webhook-endpoints/webhook-delivery-runner.js';
import type { emailDeliveryWorkflow } from '../../workflows/email-delivery.js';
import { EVENT_RELAY_WORKFLOW_ID, type eventRelayWorkflow } from '../../workflows/event-relay.js';
import type { WebhookDeliveryInput, WebhookDeliveryResult, webhookDeliveryWorkflow } from '../../workflows/webhook-delivery.js';
import { laneWorkflowId, laneWorkSignal, type webhookLaneWorkflow } from '../../workflows/webhook-lane.js';

const PARALLEL_STARTS = 16;

async function inChunks<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_STARTS) await Promise.all(items.slice(i, i + PARALLEL_STARTS).map(work));
}

/** The outbound workflows on Temporal: lanes started or woken (signal-with-start), emails started once, replays run now. */
export class TemporalOutbound implements OutboundDispatcher, WebhookDeliveryRunner {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async dispatchLanes(lanes: readonly DeliveryLane[]): Promise<void> {
    await inChunks(lanes, async (lane) => {
      const { tenantId, endpointId, aggregateType, aggregateId } = lane;
      const input: DeliveryLane = { tenantId, endpointId, aggregateType, aggregateId };
      await this.client.workflow.signalWithStart<typeof webhookLaneWorkflow, []>('webhookLaneWorkflow', {
        workflowId: laneWorkflowId(input),
        taskQueue: this.taskQueue,
        args: [input],
        signal: laneWorkSignal,
        signalArgs: [],
      });
    });
  }

  async dispatchEmails(emails: ReadonlyArray<{ tenantId: string; notificationId: string }>): Promise<void> {
    await inChunks(emails, async (email) => {
      try {
        await this.client.workflow.start<typeof emailDeliveryWorkflow>('emailDeliveryWorkflow', {
          workflowId: `email:${email.notificationId}`,
          taskQueue: this.taskQueue,
          args: [{ tenantId: email.tenantId, notificationId: email.notificationId }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    });
  }

  async runNow(input: WebhookDeliveryInput & { runId: string }): Promise<WebhookDeliveryResult> {
    const { runId, ...args } = input;
    const workflowId = `webhook-delivery:${input.deliveryId}:${runId}`;
    try {
      await this.client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', { workflowId, taskQueue: this.taskQueue, args: [args], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    return this.client.workflow.getHandle<typeof webhookDeliveryWorkflow>(workflowId).result();
  }
}

/** Starts the event relay unless it runs (every worker calls this at start-up). */
export async function ensureEventRelay(client: Client, taskQueue: string): Promise<'started' | 'running'> {
  try {
    await client.workflow.start<typeof eventRelayWorkflow>('eventRelayWorkflow', { workflowId: EVENT_RELAY_WORKFLOW_ID, taskQueue, args: [], workflowIdConflictPolicy: 'FAIL' });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw error;
  }
}
