import { proxyActivities } from '@temporalio/workflow';
import type { OutboundActivities, SendEmailResult } from '../activities/outbound-activities.js';

/** SMTP retried with back-off for about three and a half hours (10 s doubling, at most an hour apart). */
const email = proxyActivities<OutboundActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 12 },
});

const record = proxyActivities<OutboundActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 } });

/** One customer email (workflow id `email:<notification id>`): sent once, or marked failed with the last error. */
export async function emailDeliveryWorkflow(input: { tenantId: string; notificationId: string }): Promise<SendEmailResult> {
  try {
    return await email.sendEmailNotification(input);
  } catch (error) {
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    await record.markEmailFailed({ ...input, error: message });
    return { status: 'failed', reason: message };
  }
}
