import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { AttemptResult, OutboundActivities } from '../activities/outbound-activities.js';

/**
 * Svix's schedule: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the attempt
 * before — eight attempts over about 28 hours — each wait with ±10% jitter so a recovering
 * receiver is not hit by every delivery at the same instant.
 */
export const WEBHOOK_RETRY_SCHEDULE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

/** The attempt activity: a 15 s HTTP call and two short writes, retried on our own failures only (a receiver's failure is a result). */
// 25 s: the 15 s HTTP timeout and two short writes; a worker that dies mid-attempt is retried that soon.
const outbound = proxyActivities<OutboundActivities>({
  startToCloseTimeout: '25 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 8 },
});

export interface WebhookDeliveryInput {
  tenantId: string;
  deliveryId: string;
  trigger: 'scheduled' | 'replay' | 'test';
  /** For a replay or a test: the attempt's key (`r:<n>`, `t:1`). */
  attemptKey?: string;
}

export interface WebhookDeliveryResult {
  outcome: 'delivered' | 'failed' | 'endpoint_disabled' | 'settled';
  attempts: number;
  status?: number | null;
}

/** Our own failures (the database down) wait this long before the same attempt is tried again, a few times. */
const OWN_FAILURE_PAUSE_MS = 300_000;
const OWN_FAILURE_ROUNDS = 12;

function jittered(ms: number): number {
  // Math.random is seeded per run in the workflow sandbox: the same waits on replay.
  return ms === 0 ? 0 : Math.round(ms * (0.9 + Math.random() * 0.2));
}

/** One attempt; our own failures (not the receiver's) pause and try the same attempt again, then give up. */
async function attempt(input: Parameters<OutboundActivities['attemptWebhookDelivery']>[0]): Promise<AttemptResult> {
  for (let round = 1; ; round++) {
    try {
      return await outbound.attemptWebhookDelivery({ ...input, at: Date.now() });
    } catch (error) {
      const refused = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable;
      if (refused || round >= OWN_FAILURE_ROUNDS) return { outcome: 'failed', status: null };
      await sleep(OWN_FAILURE_PAUSE_MS);
    }
  }
}

/**
 * One delivery of one event to one endpoint (workflow id `webhook-delivery:<delivery id>`; a
 * replay or test is `…:replay:<n>` / `…:test` with a single attempt). 2xx ends it delivered; 410
 * or five days of the endpoint failing end it `endpoint_disabled`; a 429/503's Retry-After
 * lengthens the wait; after the eighth failure it is `failed` (and replayable from the API).
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  const base = { tenantId: input.tenantId, deliveryId: input.deliveryId, at: 0 };
  if (input.trigger !== 'scheduled') {
    const result = await attempt({ ...base, trigger: input.trigger, attemptKey: input.attemptKey ?? `${input.trigger}:1`, nextDelayMs: null });
    return { outcome: result.outcome === 'retry' ? 'failed' : result.outcome, attempts: 1, ...('status' in result ? { status: result.status } : {}) };
  }
  const schedule = WEBHOOK_RETRY_SCHEDULE_MS;
  for (let index = 0; index < schedule.length; index++) {
    const following = schedule[index + 1];
    const result = await attempt({ ...base, trigger: 'scheduled', attemptKey: `s:${index + 1}`, nextDelayMs: following === undefined ? null : jittered(following) });
    if (result.outcome !== 'retry') return { outcome: result.outcome, attempts: index + 1, ...('status' in result ? { status: result.status } : {}) };
    await sleep(result.retryInMs);
  }
  return { outcome: 'failed', attempts: schedule.length };
}
