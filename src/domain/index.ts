/**
 * The billing domain: pure, deterministic arithmetic for money, billing periods, proration,
 * pricing, discounts, tax, invoice totals and dunning. No I/O, no clock, no randomness, no Node
 * built-ins and no module state, so every function is safe inside Temporal workflow code.
 *
 * Conventions shared by every export:
 * - Money is `{ amount, currency }` with `amount` a safe integer of MINOR units (cents, yen, fils).
 *   Price definitions, tax rates and percentages take decimals as strings ("0.0006", "8.25") and
 *   are computed exactly; each line is rounded once, with a named mode (default `half_up`).
 * - Instants are UTC epoch milliseconds (`Instant`); inputs may also be `Date` or zoned ISO strings.
 * - Everything returned is plain JSON (no bigint, no Date, no fractional floats).
 * - Failures throw `DomainError` with a snake_case `code`.
 *
 * @packageDocumentation
 */

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────
/** The single error class of the domain; `code` is a stable snake_case identifier. */
export { DomainError } from './errors.js';
/** Type guard for `DomainError`, optionally checking its code. */
export { isDomainError } from './errors.js';
/** Union of every `DomainError` code. */
export type { DomainErrorCode } from './errors.js';

// ── Decimals and rounding ───────────────────────────────────────────────────────────────────────
/** A decimal given as a string ("0.0006") or a safe integer. */
export type { DecimalInput } from './rational.js';
/** Maximum decimal places accepted in prices and rates (12, like Stripe's `unit_amount_decimal`). */
export { MAX_DECIMAL_PLACES } from './rational.js';
/** The named rounding modes: half_up, half_even, half_down, down, up, floor, ceiling. */
export { ROUNDING_MODES } from './rounding.js';
/** One of `ROUNDING_MODES`. */
export type { RoundingMode } from './rounding.js';
/** The invoice default rounding mode, `half_up` (Stripe, Lago and Kill Bill all round half up). */
export { DEFAULT_ROUNDING_MODE } from './rounding.js';
/** Rounds a decimal to N places with a named mode: `roundDecimal('2.5', 'half_even') === '2'`. */
export { roundDecimal } from './rounding.js';

// ── Currencies ──────────────────────────────────────────────────────────────────────────────────
/** An ISO 4217 code and its minor-unit exponent. */
export type { Currency, CurrencyCode } from './currency.js';
/** Looks up an ISO 4217 currency (case-insensitive); unknown codes throw `unknown_currency`. */
export { getCurrency } from './currency.js';
/** The minor-unit exponent of a currency (USD 2, JPY 0, KWD 3, CLF 4). */
export { currencyExponent } from './currency.js';
/** Whether a string is a supported ISO 4217 code. */
export { isCurrencyCode } from './currency.js';
/** All supported ISO 4217 codes, sorted. */
export { listCurrencyCodes } from './currency.js';

// ── Money ───────────────────────────────────────────────────────────────────────────────────────
/** `{ amount: safe integer minor units, currency: ISO code }`. */
export type { Money } from './money.js';
/** Builds Money from integer minor units: `money(1995, 'USD')` is $19.95. */
export { money } from './money.js';
/** Builds Money from a major-unit decimal: `moneyFromMajor('19.95', 'USD')`; extra decimals need a rounding mode. */
export { moneyFromMajor } from './money.js';
/** Renders Money in major units with the currency's decimals: "19.95", "1000", "0.005". */
export { toMajorString } from './money.js';
/** Zero in a currency. */
export { zeroMoney } from './money.js';
/** Throws unless the value is a well-formed Money. */
export { assertMoney } from './money.js';
/** Throws `currency_mismatch` unless all values share a currency; returns it. */
export { assertSameCurrency } from './money.js';
/** a + b (same currency). */
export { addMoney } from './money.js';
/** a − b (same currency). */
export { subtractMoney } from './money.js';
/** Sum of a list in an explicit currency. */
export { sumMoney } from './money.js';
/** −a. */
export { negateMoney } from './money.js';
/** |a|. */
export { absMoney } from './money.js';
/** a × exact decimal factor, rounded once with a named mode. */
export { multiplyMoney } from './money.js';
/** a × numerator / denominator, rounded once with a named mode. */
export { multiplyMoneyByRatio } from './money.js';
/** −1 / 0 / 1 (same currency). */
export { compareMoney } from './money.js';
/** Same amount and currency. */
export { equalsMoney } from './money.js';
/** Smaller of two amounts (same currency). */
export { minMoney } from './money.js';
/** Larger of two amounts (same currency). */
export { maxMoney } from './money.js';
/** amount === 0. */
export { isZeroMoney } from './money.js';
/** amount < 0. */
export { isNegativeMoney } from './money.js';
/** amount > 0. */
export { isPositiveMoney } from './money.js';

// ── Allocation ──────────────────────────────────────────────────────────────────────────────────
/** Splits Money by ratios with largest remainder; parts sum exactly to the whole. */
export { allocate } from './allocation.js';
/** Splits Money in proportion to other amounts (e.g. a discount over line amounts). */
export { allocateProportionally } from './allocation.js';

// ── Instants ────────────────────────────────────────────────────────────────────────────────────
/** UTC epoch milliseconds. */
export type { Instant, InstantInput } from './instant.js';
/** Milliseconds in a UTC day. */
export { MS_PER_DAY } from './instant.js';
/** Normalises a Date / epoch millis / zoned ISO string to an Instant. */
export { toInstant } from './instant.js';
/** ISO-8601 UTC string of an Instant. */
export { instantToIso } from './instant.js';

// ── Billing periods ─────────────────────────────────────────────────────────────────────────────
/** Interval shapes: `{ unit: 'day'|'week'|'month'|'year', count }`, a schedule, and a period. */
export type { BillingInterval, BillingPeriod, BillingSchedule, IntervalUnit } from './billing-period.js';
/** Origin + n intervals, month-end clamped and never chained (Jan 31 → Feb 29 → Mar 31). */
export { addInterval, subtractInterval, stubPeriod } from './billing-period.js';
export type { StubPeriod } from './billing-period.js';
/** Start of period n (anchor + n intervals). */
export { periodBoundary } from './billing-period.js';
/** Period n as `{ index, start, end }`. */
export { billingPeriod } from './billing-period.js';
/** The period containing an instant. */
export { periodContaining } from './billing-period.js';
/** All periods overlapping [from, to). */
export { periodsBetween } from './billing-period.js';
/** Number of whole periods ended at an instant. */
export { completedPeriodCount } from './billing-period.js';
/** Trial end: start + trial interval (clamped like periods). */
export { trialEnd } from './billing-period.js';
/** Whether two intervals are the same cycle. */
export { intervalsEqual } from './billing-period.js';
/** Throws `invalid_interval` unless the interval is well formed. */
export { assertInterval } from './billing-period.js';

// ── Pricing ─────────────────────────────────────────────────────────────────────────────────────
/** JSON price definitions for each model and the pricing input/result shapes. */
export type {
  FlatPrice,
  GraduatedPrice,
  PackagePrice,
  PercentagePrice,
  PerUnitPrice,
  PriceDefinition,
  PriceResult,
  PriceTier,
  PricingInput,
  PricingModel,
  TierCharge,
  VolumePrice,
} from './pricing/index.js';
/** A validated strategy for one price definition. */
export type { PricingStrategy } from './pricing/index.js';
/** The factory: picks flat / per_unit / graduated / volume / package / percentage from `model`. */
export { createPricingStrategy } from './pricing/index.js';
/** Prices a quantity (or transactions) with a definition, rounding the line once. */
export { priceUsage } from './pricing/index.js';

// ── Proration ───────────────────────────────────────────────────────────────────────────────────
/** Proration request/result shapes, units (`second`, `day`, `day_30`) and line kinds. */
export type {
  CancellationRequest,
  CancellationResult,
  ChangeDirection,
  PeriodBounds,
  ProrationFraction,
  ProrationLine,
  ProrationLineKind,
  ProrationRequest,
  ProrationResult,
  ProrationUnit,
  SubscriptionItem,
} from './proration.js';
/** The single proration function used by previews and invoicing: credit unused, charge remaining. */
export { computeProration } from './proration.js';
/** Prorated credit for a cancellation, with `used - credit === paid`. */
export { prorateCancellation } from './proration.js';
/** Remaining fraction of a period at an instant, in the chosen unit. */
export { prorationFraction } from './proration.js';
/** amount × fraction, rounded once (credits by magnitude). */
export { prorateAmount } from './proration.js';
/** Upgrade / downgrade / unchanged by normalised daily price. */
export { classifyChange } from './proration.js';

// ── Discounts and credit ────────────────────────────────────────────────────────────────────────
/** Coupon shapes (percent / fixed amount; once / repeating / forever) and results. */
export type {
  AmountOffCoupon,
  Coupon,
  CouponApplication,
  CouponDuration,
  DiscountableLine,
  DiscountResult,
  PercentOffCoupon,
} from './discount.js';
/** Throws `invalid_coupon` unless a coupon is well formed. */
export { assertCoupon } from './discount.js';
/** Whether a coupon applies to the n-th period since redemption. */
export { couponAppliesToPeriod } from './discount.js';
/** Applies coupons in order before tax, allocated across lines exactly. */
export { applyCoupons } from './discount.js';
/** Result of applying a customer credit balance. */
export type { CreditApplication } from './credit-balance.js';
/** Applies the customer's credit balance to an invoice total, after tax. */
export { applyCreditBalance } from './credit-balance.js';

// ── Tax ─────────────────────────────────────────────────────────────────────────────────────────
/** Tax rate, taxable line and per-line tax shapes. */
export type { LineTax, TaxableLine, TaxAmount, TaxRate } from './tax.js';
/** The replaceable tax calculator interface. */
export type { TaxCalculator } from './tax.js';
/** A calculator from a table of rates by jurisdiction (exclusive or inclusive, rounded per line). */
export { createRateTableTaxCalculator } from './tax.js';
/** Sum of line taxes. */
export { totalTax } from './tax.js';

// ── Invoice totals ──────────────────────────────────────────────────────────────────────────────
/** Invoice input, per-line totals, named sums and the full computation. */
export type { InvoiceComputation, InvoiceInput, InvoiceLineInput, InvoiceLineTotals, InvoiceTotals } from './invoice-totals.js';
/** Subtotal → discount → tax → total → credit applied → amount due, for previews and finalisation. */
export { computeInvoiceTotals } from './invoice-totals.js';

// ── Dunning ─────────────────────────────────────────────────────────────────────────────────────
/** Dunning policy, payment attempt and next-step shapes. */
export type {
  DunningFinalAction,
  DunningInvoiceState,
  DunningPolicy,
  DunningStep,
  PaymentAttempt,
} from './dunning-policy.js';
/** Decline codes that stop retrying by default. */
export { DEFAULT_HARD_DECLINE_CODES } from './dunning-policy.js';
/** A sensible default policy: retries 1, 3, 5, 7 days after the first failure, then cancel. */
export { DEFAULT_DUNNING_POLICY } from './dunning-policy.js';
/** Throws `invalid_dunning_policy` unless a policy is usable. */
export { assertDunningPolicy } from './dunning-policy.js';
/** Planned retry instants from the first failure. */
export { dunningSchedule } from './dunning-policy.js';
/** Whether a decline code stops retrying under a policy. */
export { isHardDecline } from './dunning-policy.js';
/** Payment history → `paid`, `retry` at T, or `final` action and invoice state. */
export { nextDunningStep } from './dunning-policy.js';

// ── Usage metering ──────────────────────────────────────────────────────────────────────────────
/** Meter aggregations, definitions and filters. */
export type { MeterAggregation, MeterDefinition, MeterFilter, MeteredSegment, WindowParts } from './usage.js';
/** The unbilled part of each metered segment up to an instant. */
export { unbilledWindows } from './usage.js';
/** The aggregations a meter may use. */
export { METER_AGGREGATIONS } from './usage.js';
/** Checks a meter's shape (`invalid_meter`). */
export { assertMeterDefinition } from './usage.js';
/** Whether a meter reads an event (its name and every filter). */
export { eventMatchesMeter } from './usage.js';
/** The decimal (or, for unique_count, text) value a meter reads from an event (`invalid_usage_value`). */
export { meterValue } from './usage.js';
/** A property's value as text, as filters compare it. */
export { propertyText } from './usage.js';
/** One hour in ms, and the hour an instant falls in. */
export { HOUR_MS, hourStart } from './usage.js';
/** A window as whole hours plus its ragged edges. */
export { windowParts } from './usage.js';
/** The time-weighted average of a running level from roll-up sums. */
export { weightedAverage } from './usage.js';
/** Decimal quantity helpers: normalise, subtract, compare (12 places). */
export { maxQuantity, normaliseQuantity, sameQuantity, subtractQuantities, sumQuantities, USAGE_QUANTITY_PLACES, valueTimesInstant } from './usage.js';

export type { CreditableInvoice, CreditableLine, CreditNoteAmounts, CreditNoteLineAmount, CreditNoteRequest } from './credit-note.js';

export { computeCreditNote } from './credit-note.js';

// ── Entitlements ────────────────────────────────────────────────────────────────────────────────
/** Feature types, usage periods, enforcement, and the inputs and answer of an entitlement check. */
export type { EntitlementAnswer, EntitlementOverrideInput, EntitlementSource, FeatureDefinition, FeatureType, FeatureUsagePeriod, LimitEnforcement, PlanGrant, UsageWindow } from './entitlement.js';
/** The feature types and usage periods. */
export { FEATURE_TYPES, FEATURE_USAGE_PERIODS } from './entitlement.js';
/** The usage window (billing period, UTC day, ISO week, calendar month) containing an instant. */
export { usageWindowAt } from './entitlement.js';
/** What one subscription grants once its override is applied. */
export { combinePlanGrants, effectiveGrant } from './entitlement.js';
/** The entitlement answer from the granting subscriptions and the usage in the window. */
export { resolveEntitlement } from './entitlement.js';

// ── Usage alerts ────────────────────────────────────────────────────────────────────────────────
/** A threshold: an absolute quantity, or a percentage of a metered feature's limit. */
export type { AlertThreshold, CrossedThreshold } from './usage-alert.js';
/** Thresholds' names, checks, quantities and which of them usage has reached. */
export { assertThresholds, crossedThresholds, thresholdKey, thresholdQuantity } from './usage-alert.js';
// ── Finance views ───────────────────────────────────────────────────────────────────────────────
/** A line's amount recognised day by day over its service period, and the revenue per bucket and waterfall. */
export {
  recognitionAsOf,
  recognitionSchedule,
  revenueByBucket,
  revenueWaterfall,
  type InvoicedLine,
  type RecognisableLine,
  type RecognitionShare,
  type RevenueBucket,
  type WaterfallRow,
} from './revenue-recognition.js';
/** A subscription's MRR: licensed fees less coupons, normalised to a month (annual ÷ 12, weekly × 52/12). */
export { monthlyAmount, monthlyMinorUnits, monthsPerInterval, subscriptionMrr, type MrrItem, type SubscriptionMrrInput } from './mrr.js';
/** The MRR history replayed per customer into buckets of new, expansion, contraction, churn and reactivation. */
export { classifyMovement, mrrBuckets, mrrPoints, type MrrBucket, type MrrMovements, type MrrPoint, type RecurringMrrChange, type UsageRunRate } from './mrr-movements.js';
/** ARR, ARPU, churn rates, net revenue retention and LTV of a bucket. */
export { mrrMetrics, type MrrMetrics } from './mrr-metrics.js';
/** Invoiced, collected, outstanding and past-due amounts per bucket. */
export { receivablesByBucket, type ReceivableInvoice, type ReceivablesBucket } from './receivables.js';
