import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { OutboundDispatcher } from '../billing/events/outbound-dispatcher.js';
import type { DeliveryLane } from '../billing/events/relay-outbox-events.js';
import type { WebhookDeliveryRunner } from '../billing/webhook-endpoints/webhook-delivery-runner.js';
import { EMAIL_SENDER_WORKFLOW_ID, EVENT_RELAY_WORKFLOW_ID, type emailSenderWorkflow, type eventRelayWorkflow } from '../../workflows/event-relay.js';
import type { WebhookDeliveryInput, WebhookDeliveryResult, webhookDeliveryWorkflow } from '../../workflows/webhook-delivery.js';
import { laneWorkflowId, laneWorkSignal, type webhookLaneWorkflow } from '../../workflows/webhook-lane.js';

const PARALLEL_STARTS = 16;

async function inChunks<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL_STARTS) await Promise.all(items.slice(i, i + PARALLEL_STARTS).map(work));
}

/** The outbound workflows on Temporal: lanes started or woken (signal-with-start), replays and tests run now. */
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

/** Starts the event relay and the email sender unless they run (every worker calls this at start-up). */
export async function ensureEventRelay(client: Client, taskQueue: string): Promise<'started' | 'running'> {
  let started = false;
  for (const [workflowType, workflowId] of [
    ['eventRelayWorkflow', EVENT_RELAY_WORKFLOW_ID],
    ['emailSenderWorkflow', EMAIL_SENDER_WORKFLOW_ID],
  ] as const) {
    try {
      await client.workflow.start<typeof eventRelayWorkflow | typeof emailSenderWorkflow>(workflowType, { workflowId, taskQueue, args: [], workflowIdConflictPolicy: 'FAIL' });
      started = true;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return started ? 'started' : 'running';
}
