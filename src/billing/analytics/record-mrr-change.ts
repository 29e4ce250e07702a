import { subscriptionMrr, type PriceDefinition } from '../../domain/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { SubscriptionStatus } from '../../generated/prisma/enums.js';
import { newId } from '../../ids.js';
import { applicableDiscountsOf, loadDiscountsOfDraft } from '../invoices/invoice-discounts.js';

/** Revenue while it lasts: a past-due subscription still counts until dunning ends it (as Stripe counts it). */
const COUNTED: ReadonlySet<SubscriptionStatus> = new Set(['active', 'past_due']);

export interface MrrChangeInput {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  currency: string;
  stateVersion: number;
  status: SubscriptionStatus;
  periodIndex: number;
  /** The billing instant the state took effect. */
  effectiveAt: Date;
}

/**
 * The coupons the current period is discounted by: those its recurring invoice counted against
 * the period once there is one (a coupon redeemed since applies from the next invoice), else
 * those the next invoice will apply.
 */
async function couponsOfPeriod(tx: Prisma.TransactionClient, input: MrrChangeInput) {
  const invoice = await tx.invoice.findFirst({
    where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId, periodIndex: input.periodIndex, kind: 'recurring', status: { not: 'void' } },
    select: { consumedDiscountIds: true },
  });
  if (invoice !== null) return (await loadDiscountsOfDraft(tx, input.tenantId, invoice.consumedDiscountIds)).map((d) => d.coupon);
  const open = await tx.discount.findMany({
    where: { tenantId: input.tenantId, endedAt: null, OR: [{ subscriptionId: input.subscriptionId }, { customerId: input.customerId, subscriptionId: null }] },
    include: { coupon: true },
  });
  return applicableDiscountsOf(open, input.currency).map((d) => d.coupon);
}

/**
 * Appends the subscription's MRR to its history when it differs from the last recorded value
 * (or whether it counts does): the event-sourced record analytics replay. Called in the
 * transaction that writes the subscription state, after its items; a retried state finds its row.
 */
export async function recordMrrChange(tx: Prisma.TransactionClient, input: MrrChangeInput): Promise<void> {
  const counted = COUNTED.has(input.status);
  const items = await tx.subscriptionItem.findMany({ where: { tenantId: input.tenantId, subscriptionId: input.subscriptionId }, include: { price: true } });
  const licensed = items.filter((item) => item.price.usageType === 'licensed');
  const coupons = counted && licensed.length > 0 ? await couponsOfPeriod(tx, input) : [];
  const mrr = subscriptionMrr({
    currency: input.currency,
    counted,
    coupons,
    items: items.map((item) => ({
      definition: item.price.definition as unknown as PriceDefinition,
      quantity: item.quantity,
      interval: { unit: item.price.intervalUnit, count: item.price.intervalCount },
      usageType: item.price.usageType,
    })),
  });
  const last = await tx.subscriptionMrrChange.findFirst({
    where: { subscriptionId: input.subscriptionId },
    orderBy: { stateVersion: 'desc' },
    select: { counted: true, mrr: true },
  });
  if (last !== null && last.counted === counted && last.mrr === mrr) return;
  if (last === null && !counted) return; // nothing to record until it is revenue
  await tx.subscriptionMrrChange.createMany({
    data: [
      {
        id: newId('mrr'),
        tenantId: input.tenantId,
        subscriptionId: input.subscriptionId,
        customerId: input.customerId,
        currency: input.currency,
        effectiveAt: input.effectiveAt,
        stateVersion: input.stateVersion,
        status: input.status,
        counted,
        mrr,
      },
    ],
    skipDuplicates: true,
  });
}
