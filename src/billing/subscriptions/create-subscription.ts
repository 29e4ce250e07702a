import { failure, isBillingError } from '../failures.js';
import type { SubscriptionCommandDependencies } from './command-dependencies.js';
import { createSubscriptionRecord, type OneTimeItemInput } from './create-subscription-record.js';
import { getSubscriptionRecord } from './get-subscription-record.js';
import type { SubscriptionView } from './views.js';

/** A subscription may start a little in the past (clock skew, queueing); backdating is not supported. */
const START_TOLERANCE_MS = 5 * 60_000;

export interface CreateSubscriptionInput {
  tenantId: string;
  customerId: string;
  items: Array<{ priceId: string; quantity: number }>;
  /** Epoch ms; defaults to now. */
  startAt?: number | undefined;
  trialDays?: number | null | undefined;
  /** Epoch ms: periods align to it after a stub period from the start. */
  billingCycleAnchor?: number | undefined;
  /** The stub is charged prorated (default) or not at all. */
  stubProration?: 'create_prorations' | 'none' | undefined;
  /** Setup fees and other one-time charges, billed on the subscription's first invoice. */
  oneTimeItems?: OneTimeItemInput[] | undefined;
  /** Progressive billing from the start (minor units). */
  spendThreshold?: number | undefined;
  /**
   * The subscription's id when the caller can retry the same create (derived from an idempotency
   * key): a retry finds the row and finishes starting its workflow. Without one, a fresh id.
   */
  retryableId?: string | undefined;
}

/**
 * Creates the subscription: its record (prices, currency, amount bounds and trial checked), then
 * its workflow `subscription:<id>`, which owns it from then on. If the start fails, a create that
 * cannot be retried removes its row when the workflow surely never started, instead of leaving
 * it half-made; one with a `retryableId` is finished by its retry.
 */
export async function createSubscription(deps: SubscriptionCommandDependencies, input: CreateSubscriptionInput): Promise<SubscriptionView> {
  const { tenantId } = input;
  const now = await deps.now();
  const startAt = input.startAt ?? now;
  if (startAt < now - START_TOLERANCE_MS) {
    throw failure('start_in_past', 'startAt may not be in the past', { field: 'body.startAt', now: new Date(now).toISOString() });
  }
  let subscriptionId = input.retryableId;
  try {
    const record = await createSubscriptionRecord(deps.prisma, {
      tenantId,
      customerId: input.customerId,
      items: input.items,
      startAt,
      trialDays: input.trialDays,
      ...(input.billingCycleAnchor === undefined ? {} : { billingCycleAnchor: input.billingCycleAnchor }),
      ...(input.stubProration === undefined ? {} : { stubProration: input.stubProration }),
      ...(input.oneTimeItems === undefined ? {} : { oneTimeItems: input.oneTimeItems }),
      ...(input.spendThreshold === undefined ? {} : { spendThreshold: input.spendThreshold }),
      ...(input.retryableId === undefined ? {} : { id: input.retryableId }),
    });
    subscriptionId = record.subscriptionId;
  } catch (error) {
    // A retry of a create that stored its row but died before answering: carry on to the workflow.
    if (!(input.retryableId !== undefined && isBillingError(error, 'subscription_already_exists'))) throw error;
  }
  const id = subscriptionId as string;
  try {
    await deps.workflows.start({ tenantId, subscriptionId: id });
  } catch (error) {
    if (input.retryableId === undefined) await discardIfNeverStarted(deps, tenantId, id);
    throw error;
  }
  return getSubscriptionRecord(deps.prisma, { tenantId, subscriptionId: id });
}

async function discardIfNeverStarted(deps: SubscriptionCommandDependencies, tenantId: string, subscriptionId: string): Promise<void> {
  let started: boolean;
  try {
    started = await deps.workflows.exists(subscriptionId);
  } catch {
    return; // unknown: keep the row, the workflow may exist
  }
  if (!started) await deps.prisma.subscription.deleteMany({ where: { id: subscriptionId, tenantId } });
}
