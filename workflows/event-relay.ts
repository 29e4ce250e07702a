import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { OutboundActivities } from '../activities/outbound-activities.js';

export const EVENT_RELAY_WORKFLOW_ID = 'billing-event-relay';
export const EMAIL_SENDER_WORKFLOW_ID = 'billing-email-sender';

/** One long heartbeating activity at a time: a worker that dies is noticed within the heartbeat timeout and the relay moves to another. */
const relay = proxyActivities<OutboundActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const RUNS_PER_HISTORY = 60;

/**
 * The outbox relay (workflow id `billing-event-relay`, one per namespace, kept running by every
 * worker at start-up): moves outbox rows to webhook deliveries and emails as they commit, within
 * a fraction of a second, and hands them to their workflows. Continues as new hourly.
 */
export async function eventRelayWorkflow(): Promise<void> {
  for (let run = 0; run < RUNS_PER_HISTORY; run++) await relay.relayEvents({ runForMs: 55_000 });
  await continueAsNew<typeof eventRelayWorkflow>();
}

/**
 * The email sender (workflow id `billing-email-sender`, one per namespace, kept running like the
 * relay): sends customer emails from their rows — a queue in PostgreSQL, where each claim is a
 * lease — rather than one workflow per email, which would double Temporal's work per signup.
 */
export async function emailSenderWorkflow(): Promise<void> {
  for (let run = 0; run < RUNS_PER_HISTORY; run++) await relay.sendEmails({ runForMs: 55_000 });
  await continueAsNew<typeof emailSenderWorkflow>();
}
