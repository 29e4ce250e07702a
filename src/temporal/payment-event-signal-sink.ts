import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { paymentEventSignal } from '../../workflows/subscription-messages.js';
import type { PaymentEvent, PaymentEventSink } from '../payments/payment-events.js';
import { invoiceWorkflowId, subscriptionWorkflowId } from './workflow-ids.js';
import { invoicePaymentEventSignal } from '../../workflows/invoice-collection-messages.js';

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
    // A subscription's invoice goes to the subscription's workflow; a one-off invoice to its own.
    const target = event.subscriptionId
      ? { workflowId: subscriptionWorkflowId(event.subscriptionId), signal: paymentEventSignal, what: `subscription ${event.subscriptionId}` }
      : event.invoiceId
        ? { workflowId: invoiceWorkflowId(event.invoiceId), signal: invoicePaymentEventSignal, what: `invoice ${event.invoiceId}` }
        : null;
    if (target === null) return;
    try {
      await this.client.workflow.getHandle(target.workflowId).signal(target.signal, event);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        this.log(`payment event ${event.eventId}: no running workflow for ${target.what}`);
        return;
      }
      throw error;
    }
  }
}
