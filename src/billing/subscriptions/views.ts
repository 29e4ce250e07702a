import { z } from 'zod';
import type { Subscription, SubscriptionItem } from '../../generated/prisma/client.js';
import { IntervalUnit, SubscriptionStatus } from '../../generated/prisma/enums.js';
import { instant, isoOrNull, metadataOf } from '../view-fields.js';

/**
 * What the API returns for a subscription: the persisted record, which the subscription's
 * workflow keeps up to date (it owns every change). The interface is what code builds; the schema
 * (same shape, checked in test/integration/billing/invoice-reads.test.ts) documents the response
 * in OpenAPI. The workflow's bookkeeping (stateVersion, pendingChange) stays internal.
 */

export const subscriptionItemViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('subscription_item'),
    priceId: z.string(),
    quantity: z.int(),
  })
  .meta({ id: 'SubscriptionItem' });

export interface SubscriptionItemView {
  id: string;
  object: 'subscription_item';
  priceId: string;
  quantity: number;
}

export const subscriptionViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('subscription'),
    status: z.enum(SubscriptionStatus),
    customerId: z.string(),
    currency: z.string(),
    interval: z.object({ unit: z.enum(IntervalUnit), count: z.int() }),
    billingAnchor: instant.describe('Period n runs from the anchor plus n intervals to the anchor plus n + 1; period -1 is the stub from the start to a billing cycle anchor'),
    currentPeriod: z
      .object({ index: z.int(), start: instant, end: instant })
      .nullable()
      .describe('null until the workflow has placed the subscription in a period'),
    trialStart: instant.nullable(),
    trialEnd: instant.nullable(),
    cancelAtPeriodEnd: z.boolean(),
    canceledAt: instant.nullable(),
    endedAt: instant.nullable(),
    pausedAt: instant.nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: instant,
    updatedAt: instant,
    items: z.array(subscriptionItemViewSchema),
  })
  .meta({ id: 'Subscription' });

export interface SubscriptionView {
  id: string;
  object: 'subscription';
  status: SubscriptionStatus;
  customerId: string;
  currency: string;
  interval: { unit: IntervalUnit; count: number };
  billingAnchor: string;
  currentPeriod: { index: number; start: string; end: string } | null;
  trialStart: string | null;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  endedAt: string | null;
  pausedAt: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** In the order they were added (base fee before add-ons, as created). */
  items: SubscriptionItemView[];
}

export function toSubscriptionItemView(item: SubscriptionItem): SubscriptionItemView {
  return { id: item.id, object: 'subscription_item', priceId: item.priceId, quantity: item.quantity };
}

/** `items` must already be in order (see `withItems` in get-subscription-record.ts). */
export function toSubscriptionView(subscription: Subscription, items: readonly SubscriptionItem[]): SubscriptionView {
  const { currentPeriodStart: start, currentPeriodEnd: end } = subscription;
  return {
    id: subscription.id,
    object: 'subscription',
    status: subscription.status,
    customerId: subscription.customerId,
    currency: subscription.currency.toUpperCase(),
    interval: { unit: subscription.intervalUnit, count: subscription.intervalCount },
    billingAnchor: subscription.billingAnchor.toISOString(),
    currentPeriod: start === null || end === null ? null : { index: subscription.currentPeriodIndex, start: start.toISOString(), end: end.toISOString() },
    trialStart: isoOrNull(subscription.trialStart),
    trialEnd: isoOrNull(subscription.trialEnd),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    canceledAt: isoOrNull(subscription.canceledAt),
    endedAt: isoOrNull(subscription.endedAt),
    pausedAt: isoOrNull(subscription.pausedAt),
    metadata: metadataOf(subscription.metadata),
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
    items: items.map(toSubscriptionItemView),
  };
}
