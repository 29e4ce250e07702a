import { notifyEntitlementsChanged } from '../entitlements/entitlement-changes.js';
import { z } from 'zod';
import { createSetupFees } from '../invoice-items/create-invoice-item.js';
import { invoiceItemSchema } from '../invoice-items/invoice-item-input.js';
import { billingPeriod, intervalsEqual, stubPeriod, trialEnd as trialEndAfter } from '../../domain/index.js';
import type { BillingInterval, PriceDefinition } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { assertItemsWithinBounds } from '../amount-bounds.js';
import { assertMetersNotBilledElsewhere } from '../usage/assert-meter-free.js';
import { isUniqueViolation, runInTransaction } from '../db.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import { lockCustomer } from '../locks.js';
import { idSchema, parseInput } from '../validation.js';

const createSubscriptionRecordInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  items: z
    .array(z.object({ priceId: idSchema, quantity: z.int().min(1) }))
    .min(1)
    .refine((items) => new Set(items.map((item) => item.priceId)).size === items.length, {
      message: 'Each price may appear once; use the quantity for more',
    }),
  startAt: z.int().min(0),
  trialDays: z.int().min(0).max(730).nullish(),
  /** Epoch ms: align periods to this instant, after a stub period from the start (Stripe's billing_cycle_anchor). */
  billingCycleAnchor: z.int().min(0).optional(),
  /** How the stub is charged: prorated (Stripe's create_prorations, the default) or not at all. */
  stubProration: z.enum(['create_prorations', 'none']).optional(),
  /** Setup fees and other one-time charges: pending items of this subscription, billed on its first invoice. */
  oneTimeItems: z.array(invoiceItemSchema).max(20).optional(),
  /** Progressive billing from the start: usage accrued in a period is invoiced once it reaches this (minor units). */
  spendThreshold: z.int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  id: idSchema.optional(),
});

export type OneTimeItemInput = z.input<typeof invoiceItemSchema>;

export type CreateSubscriptionRecordInput = z.input<typeof createSubscriptionRecordInput>;

export interface CreatedSubscriptionRecord {
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  status: 'trialing' | 'incomplete';
  currency: string;
  interval: BillingInterval;
  /** Epoch ms: the trial end when there is a trial, the billing cycle anchor when given, else the start. */
  billingAnchor: number;
  /** The stub period from the start to the anchor, when a billing cycle anchor was given. */
  stub: { start: number; end: number; prorated: boolean } | null;
  trialStart: number | null;
  trialEnd: number | null;
  items: Array<{ itemId: string; priceId: string; quantity: number }>;
}

type PriceRow = { id: string; currency: string; intervalUnit: BillingInterval['unit']; intervalCount: number; trialDays: number | null };

/** All items bill together, so they must share one currency (the customer's) and one interval. */
function commonTerms(prices: readonly PriceRow[], customerCurrency: string | null): { currency: string; interval: BillingInterval } {
  const [first] = prices;
  if (first === undefined) throw failure('invalid_input', 'A subscription needs at least one item');
  const interval = { unit: first.intervalUnit, count: first.intervalCount };
  for (const price of prices) {
    if (price.currency !== first.currency) {
      throw failure('currency_mismatch', 'All prices of a subscription must share one currency', {
        currencies: [...new Set(prices.map((p) => p.currency))],
      });
    }
    if (!intervalsEqual(interval, { unit: price.intervalUnit, count: price.intervalCount })) {
      throw failure('interval_mismatch', 'All prices of a subscription must share one billing interval', { priceId: price.id });
    }
  }
  if (customerCurrency !== null && customerCurrency !== first.currency) {
    throw failure('currency_mismatch', `The customer is billed in ${customerCurrency}, the prices are in ${first.currency}`, {
      currencies: [customerCurrency, first.currency],
    });
  }
  return { currency: first.currency, interval };
}

function stubOf(startAt: number, anchor: number, interval: BillingInterval) {
  try {
    return stubPeriod(startAt, anchor, interval);
  } catch {
    throw failure('invalid_billing_cycle_anchor', 'The billing cycle anchor must be after the start and no later than one billing interval after it', {
      field: 'body.billingCycleAnchor',
      start: new Date(startAt).toISOString(),
      latest: new Date(billingPeriod({ anchor: startAt, interval }, 0).end).toISOString(),
    });
  }
}

/** `undefined`: the longest trial any of the prices offers; `null` or 0: no trial. */
function resolveTrialDays(requested: number | null | undefined, prices: readonly PriceRow[]): number {
  if (requested !== undefined) return requested ?? 0;
  return Math.max(0, ...prices.map((price) => price.trialDays ?? 0));
}

/**
 * The subscription row and its items, before its workflow starts: `trialing` with a trial (the
 * trial end becomes the billing anchor, as in Stripe), `incomplete` otherwise until the workflow's
 * first invoice is paid. The workflow owns every later change.
 */
export async function createSubscriptionRecord(prisma: PrismaClient, input: CreateSubscriptionRecordInput): Promise<CreatedSubscriptionRecord> {
  const parsed = parseInput(createSubscriptionRecordInput, input);
  const { tenantId } = parsed;
  const customer = await prisma.customer.findFirst({ where: { id: parsed.customerId, tenantId } });
  if (customer === null) throw notFound('customer', parsed.customerId);
  const priceIds = parsed.items.map((item) => item.priceId);
  const prices = await prisma.price.findMany({ where: { id: { in: priceIds }, tenantId, archivedAt: null, product: { archivedAt: null } } });
  const missing = priceIds.find((id) => !prices.some((price) => price.id === id));
  if (missing !== undefined) throw notFound('price', missing);
  const { currency, interval } = commonTerms(prices, customer.currency);
  const byId = new Map(prices.map((price) => [price.id, price]));
  // A stored price the domain cannot read is refused here as invalid_price_definition.
  withDomainValidation(() =>
    assertItemsWithinBounds(
      parsed.items.map((item) => {
        const price = byId.get(item.priceId);
        return { quantity: item.quantity, price: { definition: price?.definition as unknown as PriceDefinition, usageType: price?.usageType ?? 'licensed' } };
      }),
      currency,
    ),
  );
  // Billing instants are whole seconds (as in Stripe): periods and lines never carry milliseconds.
  const startAt = Math.floor(parsed.startAt / 1000) * 1000;
  const requestedAnchor = parsed.billingCycleAnchor === undefined ? undefined : Math.floor(parsed.billingCycleAnchor / 1000) * 1000;
  // An explicit anchor with no trial asked for means no trial, even if a price offers one.
  const trialDays = resolveTrialDays(parsed.trialDays === undefined && requestedAnchor !== undefined ? 0 : parsed.trialDays, prices);
  if (requestedAnchor !== undefined && trialDays > 0) {
    throw failure('invalid_billing_cycle_anchor', 'A billing cycle anchor cannot be combined with a trial (the trial end is the anchor)', { field: 'body.billingCycleAnchor' });
  }
  const stub = requestedAnchor === undefined ? null : stubOf(startAt, requestedAnchor, interval);
  const trialEnd = trialDays > 0 ? trialEndAfter(startAt, { unit: 'day', count: trialDays }) : null;
  const billingAnchor = trialEnd ?? stub?.end ?? startAt;
  // With a stub the first period is -1: from the start to the anchor.
  const firstPeriod = stub === null ? billingPeriod({ anchor: billingAnchor, interval }, 0) : { index: -1, start: stub.start, end: stub.end };
  const stubProrated = parsed.stubProration !== 'none';
  const subscriptionId = parsed.id ?? newId('sub');
  const items = parsed.items.map((item) => ({ itemId: newId('si'), ...item }));
  try {
    await runInTransaction(prisma, async (tx) => {
      // The customer row is locked and its currency read again: a concurrent currency change
      // (updateCustomer takes the same lock) either lands before and is checked, or waits.
      if (!(await lockCustomer(tx, tenantId, customer.id))) throw notFound('customer', customer.id);
      const locked = await tx.customer.findFirstOrThrow({ where: { id: customer.id, tenantId }, select: { currency: true } });
      commonTerms(prices, locked.currency);
      await tx.subscription.create({
        data: {
          id: subscriptionId,
          tenantId,
          customerId: customer.id,
          status: trialEnd === null ? 'incomplete' : 'trialing',
          currency,
          intervalUnit: interval.unit,
          intervalCount: interval.count,
          billingAnchor: new Date(billingAnchor),
          currentPeriodIndex: firstPeriod.index,
          currentPeriodStart: new Date(trialEnd === null ? firstPeriod.start : startAt),
          currentPeriodEnd: new Date(trialEnd ?? firstPeriod.end),
          stubProrated,
          trialStart: trialEnd === null ? null : new Date(startAt),
          trialEnd: trialEnd === null ? null : new Date(trialEnd),
          usageFrom: new Date(stub?.start ?? billingAnchor),
          spendThreshold: parsed.spendThreshold === undefined ? null : BigInt(parsed.spendThreshold),
        },
      });
      // Items have no position column: their creation instant orders them (base fee before seats,
      // as given), so each gets its own millisecond rather than one shared now().
      const createdAt = Date.now();
      await tx.subscriptionItem.createMany({
        data: items.map((item, index) => ({
          id: item.itemId,
          tenantId,
          subscriptionId,
          priceId: item.priceId,
          quantity: item.quantity,
          createdAt: new Date(createdAt + index),
        })),
      });
      await createSetupFees(tx, { tenantId, customerId: customer.id, subscriptionId, currency, items: parsed.oneTimeItems ?? [] });
      const meterIds = [...new Set(prices.flatMap((price) => (price.meterId === null ? [] : [price.meterId])))];
      await assertMetersNotBilledElsewhere(tx, { tenantId, customerId: customer.id, meterIds, exceptSubscriptionId: subscriptionId });
      // A trial grants the plan's features from its first instant.
      await notifyEntitlementsChanged(tx, tenantId, [customer.id]);
      await writeOutboxEvents(tx, tenantId, [
        {
          type: 'subscription.created',
          aggregateType: 'subscription',
          aggregateId: subscriptionId,
          dedupeKey: `subscription:${subscriptionId}:created`,
          payload: {
            subscriptionId,
            customerId: customer.id,
            status: trialEnd === null ? 'incomplete' : 'trialing',
            currency,
            trialEnd: trialEnd === null ? null : new Date(trialEnd).toISOString(),
            priceIds: items.map((item) => item.priceId),
          },
        },
      ]);
      // The first subscription fixes the customer's billing currency, as Stripe does.
      if (locked.currency === null) await tx.customer.updateMany({ where: { id: customer.id, tenantId }, data: { currency } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw failure('subscription_already_exists', `Subscription ${subscriptionId} exists`, { subscriptionId });
    throw error;
  }
  return {
    tenantId,
    subscriptionId,
    customerId: customer.id,
    status: trialEnd === null ? 'incomplete' : 'trialing',
    currency,
    interval,
    billingAnchor,
    stub: stub === null ? null : { start: stub.start, end: stub.end, prorated: stubProrated },
    trialStart: trialEnd === null ? null : startAt,
    trialEnd,
    items,
  };
}
