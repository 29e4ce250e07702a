import type { BillingInterval } from '../../domain/index.js';
import type { SubscriptionStatus } from '../../generated/prisma/enums.js';
import { instantOrNull } from '../amounts.js';
import { toPriceInfo, type PriceInfo } from '../catalog/price-info.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

export interface SubscriptionItemSnapshot {
  priceId: string;
  quantity: number;
  price: PriceInfo;
}

/** The subscription as its workflow starts from it (plain JSON: instants are epoch ms). */
export interface SubscriptionSnapshot {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  status: SubscriptionStatus;
  currency: string;
  interval: BillingInterval;
  /** Period n runs from anchor + n intervals to anchor + (n + 1) intervals. */
  billingAnchor: number;
  currentPeriodIndex: number;
  /** Set while the subscription is in its stub period (index -1): from its start to the billing anchor. */
  stub: { start: number; prorated: boolean } | null;
  trialStart: number | null;
  trialEnd: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  pausedAt: number | null;
  stateVersion: number;
  /** Usage from here on is billed (after any trial). */
  usageFrom: number;
  items: SubscriptionItemSnapshot[];
}

/**
 * The subscription with its items and their prices (archived prices included: existing items keep
 * theirs). Definitions are not validated here: a workflow must be able to start, answer queries
 * and be canceled even if a stored price has become unusable; pricing it fails at the billing
 * step, where the workflow flags it for an operator.
 */
export async function loadSubscriptionSnapshot(prisma: Db, input: { tenantId: string; subscriptionId: string }): Promise<SubscriptionSnapshot> {
  const row = await prisma.subscription.findFirst({
    where: { id: input.subscriptionId, tenantId: input.tenantId },
    include: { items: { include: { price: { include: { product: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  if (row === null) throw notFound('subscription', input.subscriptionId);
  return {
    tenantId: row.tenantId,
    subscriptionId: row.id,
    customerId: row.customerId,
    status: row.status,
    currency: row.currency,
    interval: { unit: row.intervalUnit, count: row.intervalCount },
    billingAnchor: row.billingAnchor.getTime(),
    currentPeriodIndex: row.currentPeriodIndex,
    stub: row.currentPeriodIndex === -1 ? { start: (row.currentPeriodStart ?? row.createdAt).getTime(), prorated: row.stubProrated } : null,
    trialStart: instantOrNull(row.trialStart),
    trialEnd: instantOrNull(row.trialEnd),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    canceledAt: instantOrNull(row.canceledAt),
    pausedAt: instantOrNull(row.pausedAt),
    stateVersion: row.stateVersion,
    usageFrom: (row.usageFrom ?? row.trialEnd ?? row.billingAnchor).getTime(),
    items: row.items.map((item) => ({ priceId: item.priceId, quantity: item.quantity, price: toPriceInfo(item.price, { validate: false }) })),
  };
}
