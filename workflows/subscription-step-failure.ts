import { ActivityFailure, ApplicationFailure, isCancellation, sleep } from '@temporalio/workflow';
import { requestedInstant } from './billing-instants.js';
import { billing, localBilling } from './subscription-activities.js';
import type { SubscriptionContext } from './subscription-context.js';
import type { SubscriptionWorkflowInput } from './subscription-messages.js';
import type { SubscriptionState } from './subscription-state.js';
import { initialUsage } from './subscription-usage.js';

/**
 * What the workflow does with the unexpected: a billing step that throws (a bug, a row no
 * operation can use, an activity that failed for good) is recorded for an operator instead of
 * failing the workflow or its task. The step is tried again after each back-off below, and at
 * once whenever an update or a signal arrives; once the back-off is spent only an operator's
 * action (pay, void, change, cancel, a new card) retries it. Nothing retries in a tight loop.
 */
const STEP_RETRY_BACKOFF_MS = [60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000, 24 * 60 * 60_000];

function describe(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return `${error.activityType ?? 'activity'} failed: ${describe(error.cause)}`;
  if (error instanceof ApplicationFailure) return error.type ? `${error.type}: ${error.message}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Records a failed step: search attribute and outbox event, then the back-off. */
export async function recordStepFailure(ctx: SubscriptionContext, error: unknown): Promise<void> {
  const s = ctx.state;
  const at = requestedInstant();
  const failures = (s.stepFailure?.failures ?? 0) + 1;
  const backoff = STEP_RETRY_BACKOFF_MS[failures - 1];
  s.stepFailure = { message: describe(error).slice(0, 1000), since: s.stepFailure?.since ?? at, failures, retryAt: backoff === undefined ? null : at + backoff };
  // Whatever was due is due again; only a new update or signal (or the back-off) retries it.
  ctx.dirty = false;
  ctx.updateSearchAttributes();
  try {
    await ctx.persist('attention_required', at, { reason: 'workflow_error', message: s.stepFailure.message, failures }, [
      { type: 'billing.attention_required', dedupeKey: `${s.subscriptionId}:step_failure:${s.stepFailure.since}:${failures}`, payload: { subscriptionId: s.subscriptionId, reason: 'workflow_error', message: s.stepFailure.message, failures } },
    ]);
    await ctx.flush();
  } catch (persistError) {
    // The database may be what failed: the search attribute already tells the operator.
    if (isCancellation(persistError)) throw persistError;
  }
}

/** A step went through after failing: billing is back on its own. */
export async function clearStepFailure(ctx: SubscriptionContext): Promise<void> {
  const s = ctx.state;
  const failure = s.stepFailure;
  if (!failure) return;
  s.stepFailure = null;
  await ctx.persist('attention_resolved', requestedInstant(), { reason: 'workflow_error', failures: failure.failures });
}

/** Whether an activity refused because the subscription's row does not exist. */
function isMissingSubscription(error: unknown): boolean {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.type === 'subscription_not_found';
}

/**
 * The run's starting state: the carried one (with the tenant's current dunning policy), or the
 * subscription as stored. A failure to load is retried with the same back-off (then daily) rather
 * than failing the workflow; a subscription whose row is gone has nothing to bill (null).
 */
export async function loadWithRetries(
  input: SubscriptionWorkflowInput,
  carried: SubscriptionState | undefined,
  fewerRoundTrips: boolean,
  load: (input: SubscriptionWorkflowInput, fewerRoundTrips: boolean) => Promise<SubscriptionState>,
): Promise<SubscriptionState | null> {
  if (carried) {
    // Runs carried over from before step failures and usage existed have no such fields.
    const state: SubscriptionState = {
      ...carried,
      stepFailure: carried.stepFailure ?? null,
      usage: carried.usage ?? initialUsage(carried.items, carried.anchor),
      heldDraft: carried.heldDraft ?? null,
    };
    try {
      state.policy = await (fewerRoundTrips ? localBilling : billing).loadBillingPolicy({ tenantId: input.tenantId });
    } catch (error) {
      if (isCancellation(error)) throw error;
      // The policy in force so far stays in force.
    }
    return state;
  }
  for (let failures = 0; ; failures++) {
    try {
      return await load(input, fewerRoundTrips);
    } catch (error) {
      if (isCancellation(error)) throw error;
      if (isMissingSubscription(error)) return null;
      await sleep(STEP_RETRY_BACKOFF_MS[failures] ?? STEP_RETRY_BACKOFF_MS[STEP_RETRY_BACKOFF_MS.length - 1] ?? 86_400_000);
    }
  }
}
