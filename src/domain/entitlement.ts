import { DomainError } from './errors.js';
import { add, compare, fromInteger, parseDecimal, sub, toDecimalString, type Rational } from './rational.js';

/**
 * Entitlements: what a customer may use, from what its subscriptions grant. Pure: the caller
 * reads the plan's grants, overrides, extra quota and the meter's usage; this module says which
 * usage window a limit applies to at an instant and what the answer is.
 */

export type FeatureType = 'boolean' | 'static' | 'metered';
export type FeatureUsagePeriod = 'billing_period' | 'day' | 'week' | 'month';
export type LimitEnforcement = 'soft' | 'hard';

export const FEATURE_TYPES: readonly FeatureType[] = Object.freeze(['boolean', 'static', 'metered']);
export const FEATURE_USAGE_PERIODS: readonly FeatureUsagePeriod[] = Object.freeze(['billing_period', 'day', 'week', 'month']);

const DAY_MS = 86_400_000;

/** `[from, to)` in epoch ms. */
export interface UsageWindow {
  readonly from: number;
  readonly to: number;
}

/**
 * The usage window containing `at`: the subscription's current billing period, or the UTC day,
 * the ISO week (from Monday 00:00 UTC) or the calendar month (UTC). A billing-period window is
 * null when the subscription has no current period (it has not started, or has ended).
 */
export function usageWindowAt(period: FeatureUsagePeriod, at: number, billingPeriod: UsageWindow | null): UsageWindow | null {
  switch (period) {
    case 'billing_period':
      return billingPeriod !== null && billingPeriod.from <= at && at < billingPeriod.to ? billingPeriod : null;
    case 'day': {
      const from = Math.floor(at / DAY_MS) * DAY_MS;
      return { from, to: from + DAY_MS };
    }
    case 'week': {
      const day = Math.floor(at / DAY_MS) * DAY_MS;
      // 1970-01-01 was a Thursday: (getUTCDay() + 6) % 7 days back is the Monday.
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      const from = day - sinceMonday * DAY_MS;
      return { from, to: from + 7 * DAY_MS };
    }
    case 'month': {
      const date = new Date(at);
      return { from: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1), to: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) };
    }
  }
}

/** What one subscription's plan grants of a feature (a price's entitlement, else its product's). */
export interface PlanGrant {
  /** Static features: the configuration value. */
  readonly value: unknown;
  /** Metered features: the limit per usage window (a decimal string); null = unlimited. */
  readonly limit: string | null;
}

/** A subscription's own answer, replacing its plan's. */
export interface EntitlementOverrideInput {
  readonly hasAccess: boolean;
  /** Static: replaces the plan's value when not null. */
  readonly value: unknown;
  /** Metered: replaces the plan's limit when not null. */
  readonly limit: string | null;
  /** Metered: no limit at all. */
  readonly unlimited: boolean;
}

/** One of the customer's entitled subscriptions, as it bears on one feature. */
export interface EntitlementSource {
  readonly subscriptionId: string;
  readonly plan: PlanGrant | null;
  readonly override: EntitlementOverrideInput | null;
  /** Extra quota granted for the current window (decimal string, "0" for none). */
  readonly extraQuota: string;
}

export interface FeatureDefinition {
  readonly key: string;
  readonly type: FeatureType;
  readonly enforcement: LimitEnforcement | null;
}

/** What one source grants once its override is applied; null when it grants nothing. */
export function effectiveGrant(source: EntitlementSource): { value: unknown; limit: string | null } | null {
  const { plan, override } = source;
  if (override === null) return plan;
  if (!override.hasAccess) return null;
  const limit = override.unlimited ? null : (override.limit ?? (plan === null ? null : plan.limit));
  return { value: override.value ?? plan?.value ?? null, limit };
}

export interface EntitlementAnswer {
  featureKey: string;
  type: FeatureType;
  hasAccess: boolean;
  /** Static features: the configuration value; otherwise null. */
  value: unknown;
  /** Metered: the limit for the window (plan or override, plus extra quota); null = unlimited or not metered. */
  limit: string | null;
  /** Metered: the usage so far in the window; null otherwise. */
  usage: string | null;
  /** Metered with a limit: what is left (never negative); null otherwise. */
  remaining: string | null;
  /** Metered with a limit: usage beyond the limit (soft limits allow it and bill it); null otherwise. */
  overage: string | null;
  /** Metered: when the window ends and usage starts again from zero. */
  resetsAt: number | null;
  soft: boolean;
}

const EXACT = Number.MAX_SAFE_INTEGER;
const decimal = (value: string): Rational => parseDecimal(value, 'quantity', EXACT);
const ZERO = fromInteger(0);

/**
 * The answer for one feature from the customer's entitled subscriptions (oldest first). Boolean:
 * any source grants it. Static: the first granting source's value. Metered: the limits add up
 * (any unlimited source makes it unlimited) with each source's extra quota; a hard limit denies
 * once usage reaches it, a soft one always allows and reports the overage. `usage` is the meter's
 * quantity over `window` (the caller reads it for the first granting source's window).
 */
export function resolveEntitlement(
  feature: FeatureDefinition,
  sources: readonly EntitlementSource[],
  metered: { usage: string; window: UsageWindow | null } | null,
): EntitlementAnswer {
  const granting = sources.flatMap((source) => {
    const grant = effectiveGrant(source);
    return grant === null ? [] : [{ source, grant }];
  });
  const soft = feature.type === 'metered' && feature.enforcement === 'soft';
  const base: EntitlementAnswer = { featureKey: feature.key, type: feature.type, hasAccess: false, value: null, limit: null, usage: null, remaining: null, overage: null, resetsAt: null, soft };
  if (feature.type === 'boolean') return { ...base, hasAccess: granting.length > 0 };
  if (feature.type === 'static') return granting.length === 0 ? base : { ...base, hasAccess: true, value: granting[0]!.grant.value ?? null };
  if (metered === null) throw new DomainError('invalid_entitlement', 'a metered feature is answered with its usage', { feature: feature.key });
  const usage = decimal(metered.usage);
  const answer = { ...base, usage: toDecimalString(usage), resetsAt: metered.window?.to ?? null };
  if (granting.length === 0 || metered.window === null) return answer;
  let limit: Rational | null = ZERO;
  for (const { source, grant } of granting) {
    if (grant.limit === null) limit = null;
    if (limit !== null) limit = add(add(limit, decimal(grant.limit!)), decimal(source.extraQuota));
  }
  if (limit === null) return { ...answer, hasAccess: true };
  const remaining = compare(usage, limit) >= 0 ? ZERO : sub(limit, usage);
  const overage = compare(usage, limit) > 0 ? sub(usage, limit) : ZERO;
  return {
    ...answer,
    hasAccess: soft || compare(usage, limit) < 0,
    limit: toDecimalString(limit),
    remaining: toDecimalString(remaining),
    overage: toDecimalString(overage),
  };
}

/**
 * What one subscription's plan grants of a feature, from what each of its prices grants (the
 * price's own entitlement, else its product's): an add-on's limit adds to the base plan's, any
 * unlimited one is unlimited, a static value is the first item's. Null when no price grants it.
 */
export function combinePlanGrants(grants: readonly PlanGrant[]): PlanGrant | null {
  if (grants.length === 0) return null;
  let limit: Rational | null = ZERO;
  for (const grant of grants) {
    if (grant.limit === null) limit = null;
    if (limit !== null) limit = add(limit, decimal(grant.limit!));
  }
  return { value: grants[0]!.value ?? null, limit: limit === null ? null : toDecimalString(limit) };
}
