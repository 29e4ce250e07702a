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
import { meterQuantity, quantityMeterOf, type QuantityMeter } from '../usage/meter-quantity.js';
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

/** One feature as a customer's plan stands for it: what each entitled subscription grants, and — metered — what usage to read. */
export interface PlannedFeature {
  feature: Feature & { meter: Meter | null };
  /** The sources that grant it (none for an archived feature). */
  sources: ReadonlyArray<EntitlementSource & { window: UsageWindow | null }>;
  /** Metered: the window usage is read over (null: none) and the meter it is read from. */
  usage: { meter: QuantityMeter; window: UsageWindow | null } | null;
}

/** Everything about a customer's entitlements but the usage: what changes when plans, subscriptions, overrides or grants do. */
export interface EntitlementPlan {
  customerId: string;
  features: PlannedFeature[];
  /** The plan holds until this instant at the latest (a billing period or grant ends). */
  validUntil: number;
}

/**
 * A customer's entitlement plan (or one feature's, by key or id), from PostgreSQL: its entitled
 * subscriptions' current items, what their prices and products grant, the subscriptions'
 * overrides and this period's extra quota, and for a metered feature the meter and the usage
 * window — the same boundaries the invoice uses (the billing period is the subscription's current one).
 */
export async function loadEntitlementPlan(db: Db, input: { tenantId: string; customerId: string; featureKey?: string; now: number }): Promise<EntitlementPlan> {
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
  const planned: PlannedFeature[] = [];
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
    let usage: PlannedFeature['usage'] = null;
    if (feature.type === 'metered' && feature.meter !== null) {
      // Usage is read over the first granting subscription's window; without one, over the window the feature's period has now.
      const granting = live.filter((source) => effectiveGrant(source) !== null);
      const window = granting[0]?.window ?? (feature.usagePeriod === 'billing_period' ? null : usageWindowAt(feature.usagePeriod as FeatureUsagePeriod, now, null));
      usage = { meter: quantityMeterOf(feature.meter), window };
      if (window !== null) validUntil = Math.min(validUntil, window.to);
    }
    planned.push({ feature, sources: live, usage });
  }
  return { customerId, features: planned, validUntil };
}

/** The meter's quantity for the customer over a window, as the invoice reads it (or from a cache of it). */
export type UsageReader = (meter: QuantityMeter, window: UsageWindow) => Promise<string>;

/** The answers of a plan, with the usage `readUsage` gives for each metered feature's window. */
export async function answersOf(plan: EntitlementPlan, readUsage: UsageReader): Promise<EntitlementView[]> {
  const answers: EntitlementView[] = [];
  for (const { feature, sources, usage } of plan.features) {
    if (feature.type !== 'metered') {
      answers.push(toView(plan.customerId, feature.id, resolveEntitlement(feature, sources, null)));
      continue;
    }
    const window = usage?.window ?? null;
    const quantity = usage === null || window === null ? '0' : await readUsage(usage.meter, window);
    const granting = sources.filter((source) => effectiveGrant(source) !== null);
    answers.push(toView(plan.customerId, feature.id, resolveEntitlement(feature, granting, { usage: quantity, window })));
  }
  return answers;
}

/**
 * Every feature's answer for a customer (or one feature's, by key or id), computed from PostgreSQL:
 * the plan, and each metered feature's usage over its window read exactly as the invoice reads it
 * (the same roll-ups and events, the same boundaries).
 */
export async function loadCustomerEntitlements(db: Db, input: { tenantId: string; customerId: string; featureKey?: string; now: number }): Promise<CustomerEntitlements> {
  const plan = await loadEntitlementPlan(db, input);
  const answers = await answersOf(plan, (meter, window) => meterQuantity(db, { tenantId: input.tenantId, customerId: input.customerId, meter, from: window.from, to: window.to }));
  return { answers, validUntil: plan.validUntil };
}
