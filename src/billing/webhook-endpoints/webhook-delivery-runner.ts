import type { WebhookDeliveryInput, WebhookDeliveryResult } from '../../../workflows/webhook-delivery.js';

export type { WebhookDeliveryInput, WebhookDeliveryResult };

/**
 * Runs a single-attempt delivery now (a replay, a test) as a workflow and waits for its result;
 * Temporal's implementation is src/temporal/temporal-outbound.ts. `runId` names the run: the
 * same one again (a retried request) waits for the run it started.
 */
export interface WebhookDeliveryRunner {
  runNow(input: WebhookDeliveryInput & { runId: string }): Promise<WebhookDeliveryResult>;
}
