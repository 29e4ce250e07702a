import {
  combinePlanGrants,
  effectiveGrant,
  resolveEntitlement,
  sumQuantities,
  usageWindowAt,
  type EntitlementAnswer,
  type EntitlementSource,
  type FeatureUsagePeriod,
  type PlanGrant,
  type UsageWindow,
} from '../../domain/index.js';
import type { Feature, Meter } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { currentBillingWindow } from './billing-window.js';
import { meterQuantity, quantityMeterOf } from '../usage/meter-quantity.js';
import { quantityText, type EntitlementView } from './views.js';

/**
 * The statuses in which a subscription grants its plan's features: while it is trialing, paid
 * up, or being retried (`past_due` keeps access during dunning, as Stripe does). An `incomplete`
 * subscription (first payment not made), a paused, an unpaid or a canceled one grants nothing.
 */
export const ENTITLED_STATUSES = ['trialing', 'active', 'past_due'] as const;

export interface CustomerEntitlements {
  answers: EntitlementView[];
  /** The answers hold until this instant at the latest (a usage window or billing period ends). */
  validUntil: number;
}


const FAR_FUTURE = 8_640_000_000_000_000;


function toView(customerId: string, featureId: string, answer: EntitlementAnswer): EntitlementView {
  return {
    object: 'entitlement',
    customerId,
    featureId,
    featureKey: answer.featureKey,
    type: answer.type,
    hasAccess: answer.hasAccess,
    value: answer.value ?? null,
    limit: answer.limit,
    usage: answer.usage,
    remaining: answer.remaining,
    overage: answer.overage,
    resetsAt: answer.resetsAt === null ? null : new Date(answer.resetsAt).toISOString(),
    soft: answer.soft,
  };
}

/**
 * Every feature's answer for a customer (or one feature's, by key or id), computed from PostgreSQL:
 * its entitled subscriptions' current items, what their prices and products grant, the
 * subscriptions' overrides and this period's extra quota, and — for a metered feature — the
 * meter's quantity over the usage window, read exactly as the invoice reads it (the same roll-ups
 * and events, the same boundaries: the billing period is the subscription's current one).
 */
export async function loadCustomerEntitlements(db: Db, input: { tenantId: string; customerId: string; featureKey?: string; now: number }): Promise<CustomerEntitlements> {
  const { tenantId, customerId, now } = input;
  const [customer, subscriptions, features] = await Promise.all([
    db.customer.findFirst({ where: { id: customerId, tenantId }, select: { id: true } }),
    db.subscription.findMany({
      where: { tenantId, customerId, status: { in: [...ENTITLED_STATUSES] } },
      select: { id: true, billingAnchor: true, intervalUnit: true, intervalCount: true, currentPeriodStart: true, currentPeriodEnd: true, items: { select: { priceId: true, price: { select: { productId: true } } }, orderBy: { createdAt: 'asc' } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    }),
    db.feature.findMany({ where: { tenantId, ...(input.featureKey === undefined ? {} : { OR: [{ key: input.featureKey }, { id: input.featureKey }] }) }, include: { meter: true }, orderBy: { key: 'asc' } }),
  ]);
  if (customer === null) throw notFound('customer', customerId);
  if (input.featureKey !== undefined && features.length === 0) throw notFound('feature', input.featureKey);
  const subscriptionIds = subscriptions.map((s) => s.id);
  const productIds = [...new Set(subscriptions.flatMap((s) => s.items.map((item) => item.price.productId)))];
  const priceIds = [...new Set(subscriptions.flatMap((s) => s.items.map((item) => item.priceId)))];
  const featureIds = features.map((f) => f.id);
  const [planRows, overrides, grants] =
    subscriptions.length === 0
      ? [[], [], []]
      : await Promise.all([
          db.planEntitlement.findMany({ where: { tenantId, featureId: { in: featureIds }, OR: [{ productId: { in: productIds } }, { priceId: { in: priceIds } }] } }),
          db.entitlementOverride.findMany({ where: { tenantId, subscriptionId: { in: subscriptionIds }, featureId: { in: featureIds } } }),
          db.entitlementGrant.findMany({ where: { tenantId, subscriptionId: { in: subscriptionIds }, featureId: { in: featureIds }, periodStart: { lte: new Date(now) }, periodEnd: { gt: new Date(now) } } }),
        ]);

  let validUntil = FAR_FUTURE;
  for (const subscription of subscriptions) {
    const end = subscription.currentPeriodEnd?.getTime();
    if (end !== undefined && end > now) validUntil = Math.min(validUntil, end);
  }
  for (const grant of grants) validUntil = Math.min(validUntil, grant.periodEnd.getTime());

  const grantOf = (row: { value: unknown; limit: { toFixed(): string } | null }): PlanGrant => ({ value: row.value ?? null, limit: row.limit === null ? null : quantityText(row.limit) });
  const answers: EntitlementView[] = [];
  for (const feature of features) {
    const sources: Array<EntitlementSource & { window: UsageWindow | null }> = [];
    for (const subscription of subscriptions) {
      // A price grants its own entitlement for the feature, else its product's — a product's once
      // per subscription however many of its prices are on it (a base fee and its metered overage).
      const itemGrants: PlanGrant[] = [];
      const productsGranted = new Set<string>();
      for (const item of subscription.items) {
        const own = planRows.find((r) => r.featureId === feature.id && r.priceId === item.priceId);
        if (own !== undefined) {
          itemGrants.push(grantOf(own));
          continue;
        }
        const productId = item.price.productId;
        const inherited = planRows.find((r) => r.featureId === feature.id && r.productId === productId);
        if (inherited === undefined || productsGranted.has(productId)) continue;
        productsGranted.add(productId);
        itemGrants.push(grantOf(inherited));
      }
      const override = overrides.find((o) => o.subscriptionId === subscription.id && o.featureId === feature.id);
      const extra = grants.filter((g) => g.subscriptionId === subscription.id && g.featureId === feature.id).map((g) => quantityText(g.quantity));
      sources.push({
        subscriptionId: subscription.id,
        plan: combinePlanGrants(itemGrants),
        override: override === undefined ? null : { hasAccess: override.hasAccess, value: override.value ?? null, limit: override.limit === null ? null : quantityText(override.limit), unlimited: override.unlimited },
        extraQuota: sumQuantities(extra),
        window: feature.type === 'metered' ? usageWindowAt(feature.usagePeriod as FeatureUsagePeriod, now, currentBillingWindow(subscription, now)) : null,
      });
    }
    const live = feature.archivedAt === null ? sources : [];
    if (feature.type !== 'metered') {
      answers.push(toView(customerId, feature.id, resolveEntitlement(feature, live, null)));
      continue;
    }
    const answer = await meteredAnswer(db, { tenantId, customerId, now }, feature, live);
    if (answer.resetsAt !== null) validUntil = Math.min(validUntil, answer.resetsAt);
    answers.push(toView(customerId, feature.id, answer));
  }
  return { answers, validUntil };
}

/** Usage is read over the first granting subscription's window; without one, over the window the feature's period has now. */
async function meteredAnswer(
  db: Db,
  scope: { tenantId: string; customerId: string; now: number },
  feature: Feature & { meter: Meter | null },
  sources: ReadonlyArray<EntitlementSource & { window: UsageWindow | null }>,
): Promise<EntitlementAnswer> {
  const granting = sources.filter((source) => effectiveGrant(source) !== null);
  const window = granting[0]?.window ?? (feature.usagePeriod === 'billing_period' ? null : usageWindowAt(feature.usagePeriod as FeatureUsagePeriod, scope.now, null));
  const usage =
    window === null || feature.meter === null
      ? '0'
      : await meterQuantity(db, { tenantId: scope.tenantId, customerId: scope.customerId, meter: quantityMeterOf(feature.meter), from: window.from, to: window.to });
  return resolveEntitlement(feature, granting, { usage, window });
}
