import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { paymentEventSignal } from '../../workflows/subscription-messages.js';
import type { PaymentEvent, PaymentEventSink } from '../payments/payment-events.js';
import { subscriptionWorkflowId } from './workflow-ids.js';

/**
 * Delivers payment events to the subscription workflow as a signal. An event for a payment that
 * no subscription owns (a one-off charge made elsewhere on the account), or whose workflow has
 * finished, has nobody to tell: it stays recorded in webhook_events and is acknowledged.
 */
export class PaymentEventSignalSink implements PaymentEventSink {
  constructor(
    private readonly client: Client,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  async deliver(event: PaymentEvent): Promise<void> {
    if (!event.subscriptionId) return;
    try {
      await this.client.workflow.getHandle(subscriptionWorkflowId(event.subscriptionId)).signal(paymentEventSignal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        this.log(`payment event ${event.eventId}: no running workflow for subscription ${event.subscriptionId}`);
        return;
      }
      throw error;
    }
  }
}
