import { z } from 'zod';
import {
  assertCoupon,
  assertDunningPolicy,
  assertInterval,
  assertMeterDefinition,
  METER_AGGREGATIONS,
  createPricingStrategy,
  intervalsEqual,
  isCurrencyCode,
  type BillingInterval,
  type Coupon,
  type DunningPolicy,
  type MeterAggregation,
  type PriceDefinition,
} from '../../domain/index.js';
import { SCHEDULABLE_DECLINE_CODES, testCardFor } from '../stripe-sandbox/test-cards.js';

/**
 * The JSON format of a simulator scenario (see the README's "Scenario simulator"). Strict: an
 * unknown field anywhere is an error, and `parseScenario` reports every problem at once with its
 * path (`catalog.prices[0].pricing.amount: …`), shape errors and cross-field ones alike.
 */

// ── Leaves ──────────────────────────────────────────────────────────────────────────────────────

const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an instant the schema accepted: a zoned ISO 8601 date-time, or a date (midnight UTC). */
export function instantMs(value: string): number {
  return Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
}

function isInstant(value: string): boolean {
  if (!INSTANT_PATTERN.test(value)) return false;
  const ms = instantMs(value);
  if (Number.isNaN(ms)) return false;
  // Date.parse rolls 2030-02-30 over to March; a calendar date must survive the round trip.
  const zoned = value.length === 10 || value.endsWith('Z');
  return !zoned || new Date(ms).toISOString().slice(0, 10) === value.slice(0, 10);
}

const instant = z
  .string({ error: 'must be an ISO 8601 instant such as 2030-01-17T00:00:00Z' })
  .refine(isInstant, { message: 'must be an ISO 8601 instant with a zone, such as 2030-01-17T00:00:00Z (or a date, 2030-01-17, meaning midnight UTC)' });

const localId = z.string({ error: 'must be a string' }).trim().min(1, { message: 'must not be empty' });

const decimal = z.union([z.string().trim().min(1), z.number()], { error: 'must be a decimal (a number or a string such as "0.06")' });

const percentage = z
  .union([z.string().trim().min(1), z.number()], { error: 'must be a percentage (a number or a decimal string)' })
  .transform(String)
  .refine((value) => /^\d{1,3}(\.\d{1,6})?$/.test(value), { message: 'must be a percentage with at most 6 decimal places, such as 20 or "8.25"' });

const testPaymentMethod = z
  .string({ error: 'must be a Stripe test payment method such as "pm_card_visa"' })
  .refine((value) => testCardFor(value) !== undefined, {
    message: 'must be a Stripe test payment method the sandbox knows, such as pm_card_visa, pm_card_chargeCustomerFail or pm_card_authenticationRequired',
  });

const currency = z
  .string({ error: 'must be an ISO 4217 currency code' })
  .trim()
  .refine(isCurrencyCode, { message: 'must be an ISO 4217 currency code such as USD' })
  .transform((code) => code.toUpperCase());

// ── Catalog ─────────────────────────────────────────────────────────────────────────────────────

// One strict shape per pricing model (the domain factory then judges the values); `currency` may
// be left out and defaults to the scenario's.
const tier = z.strictObject({ upTo: decimal.nullable(), unitAmount: decimal, flatAmount: decimal.optional() });
const definitionCurrency = z.string().trim().min(1).optional();
const priceDefinition = z.discriminatedUnion(
  'model',
  [
    z.strictObject({ model: z.literal('flat'), currency: definitionCurrency, amount: decimal }),
    z.strictObject({ model: z.literal('per_unit'), currency: definitionCurrency, unitAmount: decimal, includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('graduated'), currency: definitionCurrency, tiers: z.array(tier).min(1), includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('volume'), currency: definitionCurrency, tiers: z.array(tier).min(1), includedUnits: decimal.optional() }),
    z.strictObject({ model: z.literal('package'), currency: definitionCurrency, packageAmount: decimal, packageSize: decimal, includedUnits: decimal.optional() }),
    z.strictObject({
      model: z.literal('percentage'),
      currency: definitionCurrency,
      percentage: decimal,
      fixedAmount: decimal.optional(),
      minAmountPerTransaction: decimal.optional(),
      maxAmountPerTransaction: decimal.optional(),
    }),
  ],
  { error: 'must be one of flat, per_unit, graduated, volume, package, percentage' },
);

const interval = z.strictObject({
  unit: z.enum(['day', 'week', 'month', 'year'], { error: 'must be day, week, month or year' }),
  count: z.int({ error: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).default(1),
});

const propertyName = z.string({ error: 'must be a property name' }).trim().min(1, { message: 'must not be empty' });

const meter = z.strictObject({
  /** The meter's key, which metered prices and usage actions name. */
  key: localId,
  /** The event name it reads; defaults to the key. */
  eventName: z.string({ error: 'must be a string' }).trim().min(1).optional(),
  displayName: z.string({ error: 'must be a string' }).trim().min(1).optional(),
  aggregation: z.enum(METER_AGGREGATIONS as [string, ...string[]], { error: `must be one of ${METER_AGGREGATIONS.join(', ')}` }),
  valueProperty: propertyName.optional(),
  uniqueProperty: propertyName.optional(),
  filters: z.array(z.strictObject({ property: propertyName, in: z.array(z.string({ error: 'must be a string' })).min(1, { message: 'must list at least one value' }) })).optional(),
});

const feature = z.strictObject({
  /** The feature's key, which entitlements, alerts and check_entitlement actions name. */
  key: localId,
  type: z.enum(['boolean', 'static', 'metered'], { error: 'must be boolean, static or metered' }),
  /** Metered: a catalog meter's key. */
  meter: localId.optional(),
  usagePeriod: z.enum(['billing_period', 'day', 'week', 'month'], { error: 'must be billing_period, day, week or month' }).optional(),
  enforcement: z.enum(['soft', 'hard'], { error: 'must be soft or hard' }).optional(),
});

const quantityText = z.union([z.number({ error: 'must be a number or a decimal string' }).min(0), z.string().trim().regex(/^\d{1,26}(\.\d{1,12})?$/, 'must be a non-negative decimal')]);

/** What a price grants of a feature: a static value, a metered limit (null: unlimited), or — boolean — just the grant. */
const entitlement = z.strictObject({
  feature: localId,
  value: z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  limit: quantityText.nullable().optional(),
});

const price = z.strictObject({
  /** The scenario's own name for the price, used by items and actions. */
  id: localId,
  /** Product name; prices naming the same product share it. */
  product: z.string({ error: 'must be a string' }).trim().min(1, { message: 'must not be empty' }),
  /** A catalog meter's key: the price is metered, billed in arrears on that meter's quantity. */
  meter: localId.optional(),
  pricing: priceDefinition,
  interval,
  trialDays: z.int({ error: 'must be a whole number of days' }).min(0).max(730).optional(),
  /** What this price grants (see Entitlements): checked by check_entitlement actions. */
  entitlements: z.array(entitlement, { error: 'must be a list of entitlements' }).optional(),
});

// ── Customer, tax, coupons, credit, dunning ─────────────────────────────────────────────────────

const customer = z.strictObject({
  /** The default card, a Stripe test payment method; null for a customer without one. */
  paymentMethod: testPaymentMethod.nullable(),
  taxJurisdiction: z.string().trim().min(1).optional(),
  email: z.email({ error: 'must be an email address' }).optional(),
  name: z.string().trim().min(1).optional(),
});

const taxRate = z.strictObject({
  jurisdiction: z.string({ error: 'must be a string' }).trim().min(1),
  displayName: z.string({ error: 'must be a string' }).trim().min(1),
  percentage,
  inclusive: z.boolean({ error: 'must be true or false' }).optional(),
});

const coupon = z.strictObject({
  code: z.string({ error: 'must be a string' }).trim().min(1),
  name: z.string().trim().min(1).optional(),
  percentOff: percentage.optional(),
  /** Minor units of the scenario's currency. */
  amountOff: z.int({ error: 'must be a whole number of minor units' }).min(1).optional(),
  duration: z.enum(['once', 'repeating', 'forever'], { error: 'must be once, repeating or forever' }),
  durationInPeriods: z.int({ error: 'must be a whole number' }).min(1).optional(),
  maxRedemptions: z.int({ error: 'must be a whole number' }).min(1).optional(),
  applyTo: z.enum(['customer', 'subscription'], { error: 'must be customer or subscription' }),
});

const creditBalance = z.strictObject({
  /** Credit granted to the customer before the subscription starts, in minor units. */
  amount: z.int({ error: 'must be a whole number of minor units' }).min(1, { message: 'must be positive' }),
  reason: z.string({ error: 'must be a string' }).trim().min(1),
});

const dunningPolicy = z.strictObject({
  retryOffsetsDays: z.array(z.number({ error: 'must be a number of days' })),
  maxAttempts: z.int({ error: 'must be a whole number' }).min(1).optional(),
  hardDeclineCodes: z.array(z.string().trim().min(1)).optional(),
  finalAction: z.enum(['cancel', 'mark_unpaid', 'leave_past_due'], { error: 'must be cancel, mark_unpaid or leave_past_due' }),
  invoiceFinalState: z.enum(['uncollectible', 'open'], { error: 'must be uncollectible or open' }).optional(),
  trialEndWithoutPaymentMethod: z.enum(['cancel', 'pause', 'create_invoice'], { error: 'must be cancel, pause or create_invoice' }).optional(),
});

// ── Subscription and actions ────────────────────────────────────────────────────────────────────

const item = z.strictObject({
  /** A catalog price's `id`. */
  price: localId,
  quantity: z.int({ error: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(1_000_000),
});
const items = z.array(item, { error: 'must be a list of items' }).min(1, { message: 'must list at least one item' }).max(20);

/** A one-off charge: an amount per unit, or a catalog price, × quantity. */
const oneOffItem = {
  description: z.string({ error: 'must be a string' }).trim().min(1, { message: 'must not be empty' }).max(500),
  /** Minor units per unit (negative: a one-off credit). */
  unitAmount: z.int({ error: 'must be a whole number of minor units' }).refine((value) => value !== 0, { message: 'must not be zero' }).optional(),
  /** Or a catalog price's `id`, priced for the quantity by its own model. */
  price: localId.optional(),
  quantity: z.int({ error: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(1_000_000).optional(),
};
const oneTimeItem = z.strictObject(oneOffItem).refine((item) => (item.unitAmount === undefined) !== (item.price === undefined), { message: 'give either unitAmount or price', path: ['unitAmount'] });

const subscription = z.strictObject({
  items,
  /** Setup fees and other one-time charges, billed on the first invoice. */
  oneTimeItems: z.array(oneTimeItem, { error: 'must be a list of one-time items' }).max(20).optional(),
  /** Overrides the prices' trial days; null or 0 for no trial. */
  trialDays: z.int({ error: 'must be a whole number of days' }).min(0).max(730).nullable().optional(),
  /** Align renewals to this instant after a stub period from the start (at most one interval later). */
  billingCycleAnchor: instant.optional(),
  /** The stub is prorated (create_prorations, the default) or free (none). */
  prorationBehavior: z.enum(['create_prorations', 'none'], { error: 'must be create_prorations or none' }).optional(),
  /** Progressive billing: accrued usage is invoiced as soon as it reaches this (minor units). */
  spendThreshold: z.int({ error: 'must be a whole number of minor units' }).min(1, { message: 'must be positive' }).optional(),
  /** Usage alerts on the subscription: each threshold fires once per period. */
  usageAlerts: z
    .array(
      z.strictObject({
        meter: localId,
        /** The metered feature percentages are of. */
        feature: localId.optional(),
        name: z.string().trim().min(1).optional(),
        thresholds: z.array(z.union([z.strictObject({ quantity: quantityText }), z.strictObject({ percentOfLimit: quantityText })]), { error: 'must be a list of { quantity } or { percentOfLimit }' }).min(1),
      }),
    )
    .optional(),
});

const changeFields = {
  at: instant,
  items,
  prorationBehavior: z.enum(['create_prorations', 'always_invoice', 'none'], { error: 'must be create_prorations, always_invoice or none' }).optional(),
  effective: z.enum(['now', 'period_end'], { error: 'must be now or period_end' }).optional(),
};

const action = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('change'), ...changeFields }),
    z.strictObject({ type: z.literal('preview_change'), ...changeFields }),
    z.strictObject({
      type: z.literal('cancel'),
      at: instant,
      mode: z.enum(['now', 'period_end'], { error: 'must be now or period_end' }),
      prorate: z.boolean({ error: 'must be true or false' }).optional(),
    }),
    z.strictObject({ type: z.literal('pause'), at: instant }),
    z.strictObject({ type: z.literal('resume'), at: instant }),
    z.strictObject({ type: z.literal('payment_method'), at: instant, paymentMethod: testPaymentMethod }),
    z.strictObject({ type: z.literal('authenticate_payment'), at: instant, outcome: z.enum(['succeed', 'fail'], { error: 'must be succeed or fail' }).optional() }),
    z.strictObject({
      type: z.literal('decline_charges'),
      at: instant,
      /** The decline code the customer's next charges fail with, as the issuer sends it. */
      declineCode: z.enum(SCHEDULABLE_DECLINE_CODES as [string, ...string[]], { error: `must be one of ${SCHEDULABLE_DECLINE_CODES.join(', ')}` }),
      /** How many of the next charges decline; leave out for every charge from now on. */
      count: z.int({ error: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).optional(),
    }),
    z.strictObject({ type: z.literal('accept_charges'), at: instant }),
    z.strictObject({ type: z.literal('invoice_item'), at: instant, ...oneOffItem }),
    z.strictObject({
      type: z.literal('credit_note'),
      at: instant,
      /** Which of the subscription's invoices, by number (`INV-000001`). */
      invoice: z.string({ error: 'must be an invoice number' }).trim().min(1),
      /** Lines to credit by their position on the invoice (1-based), whole or in part; or an amount. */
      lines: z
        .array(z.strictObject({ line: z.int({ error: 'must be a line position' }).min(1), amount: z.int().min(1).optional(), quantity: z.int().min(1).optional() }))
        .min(1)
        .optional(),
      amount: z.int({ error: 'must be a whole number of minor units' }).min(1, { message: 'must be positive' }).optional(),
      reason: z.enum(['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory', 'other'], { error: 'must be duplicate, fraudulent, order_change, product_unsatisfactory or other' }),
      outcome: z.enum(['refund', 'credit_balance'], { error: 'must be refund or credit_balance' }).optional(),
    }),
    z.strictObject({
      type: z.literal('usage'),
      /** When the events arrive. */
      at: instant,
      /** A catalog meter's key: the events carry its event name. */
      meter: localId.optional(),
      /** Or an event name of its own (read by whichever meters read it, or by none). */
      event: z.string({ error: 'must be a string' }).trim().min(1).optional(),
      /** When the events happened; defaults to `at`. */
      timestamp: instant.optional(),
      /** The meter's valueProperty (or uniqueProperty) value. */
      value: z.union([z.number({ error: 'must be a number or a string' }), z.string()]).optional(),
      properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be a string, number, boolean or null' })).optional(),
      /** The dedup key; a repeat is a duplicate. With `count`, each event gets `<transactionId>-<n>`. */
      transactionId: z.string({ error: 'must be a string' }).trim().min(1).max(255).optional(),
      /** That many events (default 1), each with its own transaction id. */
      count: z.int({ error: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(1_000_000).optional(),
    }),
    z.strictObject({
      type: z.literal('check_entitlement'),
      at: instant,
      /** A catalog feature's key: the timeline records the answer. */
      feature: localId,
    }),
  ],
  { error: 'must be one of change, preview_change, cancel, pause, resume, payment_method, authenticate_payment, decline_charges, accept_charges, invoice_item, credit_note, usage, check_entitlement' },
);

export const scenarioSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).trim().min(1, { message: 'must not be empty' }),
  description: z.string().optional(),
  start: instant,
  until: instant,
  currency,
  catalog: z.strictObject({
    meters: z.array(meter, { error: 'must be a list of meters' }).optional(),
    features: z.array(feature, { error: 'must be a list of features' }).optional(),
    prices: z.array(price, { error: 'must be a list of prices' }).min(1, { message: 'must list at least one price' }),
  }),
  /** The tenant's billing settings. */
  settings: z.strictObject({ usageGracePeriodHours: z.int({ error: 'must be a whole number of hours' }).min(0, { message: 'must be 0 to 72' }).max(72, { message: 'must be 0 to 72' }) }).optional(),
  customer,
  taxRates: z.array(taxRate).optional(),
  coupons: z.array(coupon).optional(),
  creditBalance: creditBalance.optional(),
  dunningPolicy: dunningPolicy.optional(),
  subscription,
  actions: z.array(action, { error: 'must be a list of actions' }).default([]),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioPrice = Scenario['catalog']['prices'][number];
export type ScenarioAction = Scenario['actions'][number];
export type ScenarioCoupon = NonNullable<Scenario['coupons']>[number];
export type ScenarioMeter = NonNullable<Scenario['catalog']['meters']>[number];
export type ScenarioFeature = NonNullable<Scenario['catalog']['features']>[number];

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────

export interface ScenarioIssue {
  /** Where, as in the JSON: `actions[2].items[0].price`; empty for the scenario itself. */
  path: string;
  message: string;
}

export class ScenarioValidationError extends Error {
  override name = 'ScenarioValidationError';

  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(`Invalid scenario (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${i.path || '(scenario)'}: ${i.message}`).join('\n')}`);
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function zodIssues(error: z.ZodError): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown field, at its own path.
      for (const key of issue.keys) issues.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}

// ── Cross-field checks ──────────────────────────────────────────────────────────────────────────
// They read the raw input defensively, so they run (and report) even when other parts of the
// scenario have shape errors: every problem is listed in one go.

type Raw = Record<string, unknown>;
const asRecord = (value: unknown): Raw | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : undefined);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const rawInstant = (value: unknown): number | undefined => (typeof value === 'string' && isInstant(value) ? instantMs(value) : undefined);

function domainMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The price definition as the domain takes it: the scenario's currency filled in when left out. */
export function priceDefinitionOf(definition: ScenarioPrice['pricing'], scenarioCurrency: string): PriceDefinition {
  return { ...definition, currency: (definition.currency ?? scenarioCurrency).toUpperCase() };
}

/** The meters by key (with what they read), each definition judged by the domain's rules. */
function checkMeters(raw: Raw, issues: ScenarioIssue[]): Map<string, ScenarioMeter | null> {
  const known = new Map<string, ScenarioMeter | null>();
  asArray(asRecord(raw.catalog)?.meters).forEach((entry, index) => {
    const path = `catalog.meters[${index}]`;
    const key = asRecord(entry)?.key;
    const parsed = meter.safeParse(entry);
    if (typeof key === 'string' && key.trim() !== '') {
      if (known.has(key.trim())) issues.push({ path: `${path}.key`, message: `repeats the meter key "${key.trim()}"` });
      known.set(key.trim(), parsed.success ? parsed.data : null);
    }
    if (!parsed.success) return;
    const m = parsed.data;
    try {
      assertMeterDefinition({ eventName: m.eventName ?? m.key, aggregation: m.aggregation as MeterAggregation, valueProperty: m.valueProperty ?? null, uniqueProperty: m.uniqueProperty ?? null, filters: m.filters ?? [] });
    } catch (error) {
      issues.push({ path, message: domainMessage(error) });
    }
  });
  return known;
}

function checkCatalog(raw: Raw, scenarioCurrency: string | undefined, meters: Map<string, ScenarioMeter | null>, issues: ScenarioIssue[]): Map<string, BillingInterval | null> {
  const known = new Map<string, BillingInterval | null>();
  asArray(asRecord(raw.catalog)?.prices).forEach((entry, index) => {
    const path = `catalog.prices[${index}]`;
    const rawPrice = asRecord(entry);
    const id = typeof rawPrice?.id === 'string' ? rawPrice.id.trim() : undefined;
    const parsed = price.safeParse(entry);
    if (id !== undefined && id !== '') {
      if (known.has(id)) issues.push({ path: `${path}.id`, message: `repeats the price id "${id}"` });
      known.set(id, parsed.success ? parsed.data.interval : null);
    }
    if (!parsed.success) return;
    if (parsed.data.meter !== undefined && !meters.has(parsed.data.meter)) {
      const keys = [...meters.keys()];
      issues.push({ path: `${path}.meter`, message: `no meter "${parsed.data.meter}" in catalog.meters${keys.length > 0 ? ` (known: ${keys.join(', ')})` : ''}` });
    }
    const definition = parsed.data.pricing;
    if (scenarioCurrency !== undefined && definition.currency !== undefined && definition.currency.toUpperCase() !== scenarioCurrency) {
      issues.push({ path: `${path}.pricing.currency`, message: `is ${definition.currency}, the scenario's currency is ${scenarioCurrency}` });
    } else if (scenarioCurrency !== undefined) {
      try {
        createPricingStrategy(priceDefinitionOf(definition, scenarioCurrency));
      } catch (error) {
        issues.push({ path: `${path}.pricing`, message: domainMessage(error) });
      }
    }
    try {
      assertInterval(parsed.data.interval);
    } catch (error) {
      issues.push({ path: `${path}.interval`, message: domainMessage(error) });
    }
  });
  return known;
}

function checkItems(value: unknown, path: string, prices: Map<string, BillingInterval | null>, issues: ScenarioIssue[], sameInterval: boolean): void {
  const seen = new Set<string>();
  let first: BillingInterval | null = null;
  asArray(value).forEach((entry, index) => {
    const ref = asRecord(entry)?.price;
    if (typeof ref !== 'string' || ref.trim() === '') return;
    const id = ref.trim();
    if (!prices.has(id)) {
      const names = [...prices.keys()];
      issues.push({ path: `${path}[${index}].price`, message: `no price "${id}" in the catalog${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}` });
      return;
    }
    if (seen.has(id)) issues.push({ path: `${path}[${index}].price`, message: `repeats "${id}"; use the quantity for more` });
    seen.add(id);
    const itemInterval = prices.get(id) ?? null;
    if (sameInterval && itemInterval !== null) {
      if (first === null) first = itemInterval;
      else if (!intervalsEqual(first, itemInterval)) {
        issues.push({ path: `${path}[${index}].price`, message: 'all items of a subscription must renew on the same interval' });
      }
    }
  });
}

function checkCoupons(raw: Raw, scenarioCurrency: string | undefined, issues: ScenarioIssue[]): void {
  const codes = new Set<string>();
  asArray(raw.coupons).forEach((entry, index) => {
    const path = `coupons[${index}]`;
    const parsed = coupon.safeParse(entry);
    if (!parsed.success) return;
    const c = parsed.data;
    if (codes.has(c.code)) issues.push({ path: `${path}.code`, message: `repeats the coupon code "${c.code}"` });
    codes.add(c.code);
    if ((c.percentOff === undefined) === (c.amountOff === undefined)) {
      issues.push({ path, message: 'a coupon has exactly one of percentOff and amountOff' });
      return;
    }
    const duration =
      c.duration === 'repeating' ? { duration: c.duration, durationInPeriods: c.durationInPeriods ?? 0 } : { duration: c.duration };
    const domainCoupon: Coupon =
      c.percentOff !== undefined
        ? { id: c.code, type: 'percent', percentOff: c.percentOff, ...duration }
        : { id: c.code, type: 'fixed_amount', amountOff: { amount: c.amountOff ?? 0, currency: scenarioCurrency ?? 'USD' }, ...duration };
    try {
      assertCoupon(domainCoupon);
    } catch (error) {
      issues.push({ path, message: domainMessage(error) });
    }
    if (c.duration !== 'repeating' && c.durationInPeriods !== undefined) {
      issues.push({ path: `${path}.durationInPeriods`, message: 'applies only to a repeating coupon' });
    }
  });
}

function checkDunningPolicy(raw: Raw, issues: ScenarioIssue[]): void {
  if (raw.dunningPolicy === undefined) return;
  const parsed = dunningPolicy.safeParse(raw.dunningPolicy);
  if (!parsed.success) return;
  const p = parsed.data;
  const policy: DunningPolicy = {
    retryOffsetsDays: p.retryOffsetsDays,
    finalAction: p.finalAction,
    ...(p.maxAttempts === undefined ? {} : { maxAttempts: p.maxAttempts }),
    ...(p.hardDeclineCodes === undefined ? {} : { hardDeclineCodes: p.hardDeclineCodes }),
    ...(p.invoiceFinalState === undefined ? {} : { invoiceFinalState: p.invoiceFinalState }),
  };
  try {
    assertDunningPolicy(policy);
  } catch (error) {
    issues.push({ path: 'dunningPolicy', message: domainMessage(error) });
  }
}

function checkTimes(raw: Raw, now: number, issues: ScenarioIssue[]): void {
  const start = rawInstant(raw.start);
  const until = rawInstant(raw.until);
  if (start !== undefined && start < now) {
    issues.push({
      path: 'start',
      message:
        `${new Date(start).toISOString()} is in the past (now is ${new Date(now).toISOString()}): the time-skipping server's clock ` +
        'starts at the current time and only moves forward, so a scenario must start in the future',
    });
  }
  if (start !== undefined && until !== undefined && until <= start) {
    issues.push({ path: 'until', message: 'must be after start' });
  }
  let previous: number | undefined;
  asArray(raw.actions).forEach((entry, index) => {
    const at = rawInstant(asRecord(entry)?.at);
    if (at === undefined) return;
    const path = `actions[${index}].at`;
    if (start !== undefined && at < start) issues.push({ path, message: 'is before the scenario starts' });
    if (until !== undefined && at > until) issues.push({ path, message: 'is after the scenario ends (until)' });
    if (previous !== undefined && at < previous) issues.push({ path, message: 'actions must be sorted by at' });
    previous = at;
  });
}

function checkUsageAction(a: Raw, path: string, meters: Map<string, ScenarioMeter | null>, issues: ScenarioIssue[]): void {
  const named = typeof a.meter === 'string' ? a.meter.trim() : undefined;
  if ((named === undefined) === (a.event === undefined)) issues.push({ path, message: 'a usage action names exactly one of meter and event' });
  if (named !== undefined && !meters.has(named)) {
    const keys = [...meters.keys()];
    issues.push({ path: `${path}.meter`, message: `no meter "${named}" in catalog.meters${keys.length > 0 ? ` (known: ${keys.join(', ')})` : ''}` });
  }
  const m = named === undefined ? undefined : meters.get(named);
  if (a.value !== undefined && m !== undefined && m !== null && m.valueProperty === undefined && m.uniqueProperty === undefined) {
    issues.push({ path: `${path}.value`, message: `meter "${named}" counts events and reads no value; leave value out` });
  }
  if (a.value !== undefined && a.event !== undefined) issues.push({ path: `${path}.value`, message: 'value needs a meter (it fills the meter\'s valueProperty); with event, put it in properties' });
}

function checkActions(raw: Raw, prices: Map<string, BillingInterval | null>, meters: Map<string, ScenarioMeter | null>, issues: ScenarioIssue[]): void {
  asArray(raw.actions).forEach((entry, index) => {
    const a = asRecord(entry);
    if (a === undefined) return;
    if (a.type === 'usage') checkUsageAction(a, `actions[${index}]`, meters, issues);
    if (a.type === 'change' || a.type === 'preview_change') checkItems(a.items, `actions[${index}].items`, prices, issues, true);
    if (a.type === 'cancel' && a.prorate === true && a.mode !== 'now') {
      issues.push({ path: `actions[${index}].prorate`, message: 'applies only to mode "now"' });
    }
  });
}

/** Features name catalog meters; entitlements, alerts and checks name catalog features and meters. */
function checkFeatures(raw: Raw, meters: Map<string, ScenarioMeter | null>, issues: ScenarioIssue[]): void {
  const catalog = asRecord(raw.catalog);
  const features = new Map<string, string>();
  const known = (what: string, names: Iterable<string>) => {
    const list = [...names];
    return list.length > 0 ? ` (known: ${list.join(', ')})` : ` in catalog.${what}`;
  };
  asArray(catalog?.features).forEach((entry, index) => {
    const f = asRecord(entry);
    if (f === undefined || typeof f.key !== 'string') return;
    const path = `catalog.features[${index}]`;
    if (features.has(f.key)) issues.push({ path: `${path}.key`, message: `feature "${f.key}" is declared twice` });
    features.set(f.key, typeof f.type === 'string' ? f.type : '');
    if (f.type === 'metered' && typeof f.meter !== 'string') issues.push({ path: `${path}.meter`, message: 'a metered feature names its meter' });
    if (f.type !== 'metered' && (f.meter !== undefined || f.usagePeriod !== undefined || f.enforcement !== undefined)) issues.push({ path, message: 'only a metered feature has meter, usagePeriod and enforcement' });
    if (typeof f.meter === 'string' && !meters.has(f.meter)) issues.push({ path: `${path}.meter`, message: `no meter "${f.meter}"${known('meters', meters.keys())}` });
  });
  asArray(catalog?.prices).forEach((entry, index) => {
    asArray(asRecord(entry)?.entitlements).forEach((grant, g) => {
      const e = asRecord(grant);
      if (e === undefined || typeof e.feature !== 'string') return;
      const path = `catalog.prices[${index}].entitlements[${g}]`;
      const type = features.get(e.feature);
      if (type === undefined) return void issues.push({ path: `${path}.feature`, message: `no feature "${e.feature}"${known('features', features.keys())}` });
      if (type === 'metered' && !('limit' in e)) issues.push({ path: `${path}.limit`, message: 'a metered feature is granted with a limit (null for unlimited)' });
      if (type !== 'metered' && 'limit' in e) issues.push({ path: `${path}.limit`, message: `a ${type} feature has no limit` });
      if (type !== 'static' && 'value' in e) issues.push({ path: `${path}.value`, message: `a ${type} feature has no value` });
      if (type === 'static' && !('value' in e)) issues.push({ path: `${path}.value`, message: 'a static feature is granted with a value' });
    });
  });
  asArray(asRecord(raw.subscription)?.usageAlerts).forEach((entry, index) => {
    const a = asRecord(entry);
    if (a === undefined) return;
    const path = `subscription.usageAlerts[${index}]`;
    if (typeof a.meter === 'string' && !meters.has(a.meter)) issues.push({ path: `${path}.meter`, message: `no meter "${a.meter}"${known('meters', meters.keys())}` });
    if (typeof a.feature === 'string' && !features.has(a.feature)) issues.push({ path: `${path}.feature`, message: `no feature "${a.feature}"${known('features', features.keys())}` });
    if (a.feature === undefined && asArray(a.thresholds).some((t) => asRecord(t)?.percentOfLimit !== undefined)) issues.push({ path: `${path}.feature`, message: 'a percentOfLimit threshold needs the feature whose limit it is a share of' });
  });
  asArray(raw.actions).forEach((entry, index) => {
    const a = asRecord(entry);
    if (a?.type === 'check_entitlement' && typeof a.feature === 'string' && !features.has(a.feature)) {
      issues.push({ path: `actions[${index}].feature`, message: `no feature "${a.feature}"${known('features', features.keys())}` });
    }
  });
}

/** Every cross-field problem: references, currencies, domain rules, times. */
function semanticIssues(input: unknown, now: number): ScenarioIssue[] {
  const raw = asRecord(input);
  if (raw === undefined) return [];
  const issues: ScenarioIssue[] = [];
  const parsedCurrency = currency.safeParse(raw.currency);
  const scenarioCurrency = parsedCurrency.success ? parsedCurrency.data : undefined;
  const meters = checkMeters(raw, issues);
  const prices = checkCatalog(raw, scenarioCurrency, meters, issues);
  checkItems(asRecord(raw.subscription)?.items, 'subscription.items', prices, issues, true);
  checkCoupons(raw, scenarioCurrency, issues);
  checkDunningPolicy(raw, issues);
  checkTimes(raw, now, issues);
  checkActions(raw, prices, meters, issues);
  checkFeatures(raw, meters, issues);
  return issues;
}

export interface ParseScenarioOptions {
  /** The earliest acceptable start (epoch ms); defaults to the current time. */
  now?: number;
}

/** Validates a scenario; throws `ScenarioValidationError` listing every problem with its path. */
export function parseScenario(input: unknown, options: ParseScenarioOptions = {}): Scenario {
  const now = options.now ?? Date.now();
  if (asRecord(input) === undefined) throw new ScenarioValidationError([{ path: '', message: 'a scenario is a JSON object' }]);
  const result = scenarioSchema.safeParse(input);
  const issues = [...(result.success ? [] : zodIssues(result.error)), ...semanticIssues(input, now)];
  if (issues.length > 0 || !result.success) throw new ScenarioValidationError(issues);
  return result.data;
}
