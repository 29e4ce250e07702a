import type { Money } from '../money.js';
import type { DecimalInput, Rational } from '../rational.js';

/**
 * Price definitions are plain JSON, so a plan can be stored in Postgres and passed through a
 * Temporal payload as is. Every amount is in the currency's MINOR units, like Stripe's
 * `unit_amount_decimal`: `"0.06"` USD is six hundredths of a cent ($0.0006). Fractions go in
 * decimal strings (up to 12 places); integers may be numbers.
 */
export type PricingModel = 'flat' | 'per_unit' | 'graduated' | 'volume' | 'package' | 'percentage';

/** A fixed amount per period whatever the quantity (a base fee). */
export interface FlatPrice {
  readonly model: 'flat';
  readonly currency: string;
  readonly amount: DecimalInput;
}

/** `unitAmount` per unit beyond `includedUnits` (seats, API calls). */
export interface PerUnitPrice {
  readonly model: 'per_unit';
  readonly currency: string;
  readonly unitAmount: DecimalInput;
  readonly includedUnits?: DecimalInput;
}

/**
 * A tier covers units above the previous tier's `upTo` up to and including its own `upTo`; the
 * last tier has `upTo: null` (no limit). `flatAmount` is charged once when the tier is reached.
 */
export interface PriceTier {
  readonly upTo: DecimalInput | null;
  readonly unitAmount: DecimalInput;
  readonly flatAmount?: DecimalInput;
}

/** Each unit is priced by the tier it falls in; every reached tier adds its flat amount. */
export interface GraduatedPrice {
  readonly model: 'graduated';
  readonly currency: string;
  readonly tiers: readonly PriceTier[];
  readonly includedUnits?: DecimalInput;
}

/** All units are priced by the single tier the total falls in, plus that tier's flat amount. */
export interface VolumePrice {
  readonly model: 'volume';
  readonly currency: string;
  readonly tiers: readonly PriceTier[];
  readonly includedUnits?: DecimalInput;
}

/** `packageAmount` per started block of `packageSize` units beyond `includedUnits` (Lago's free units). */
export interface PackagePrice {
  readonly model: 'package';
  readonly currency: string;
  readonly packageAmount: DecimalInput;
  readonly packageSize: DecimalInput;
  readonly includedUnits?: DecimalInput;
}

/**
 * `percentage` percent ("2.9" = 2.9%) of each transaction amount (minor units) plus
 * `fixedAmount` per transaction, each transaction's fee clamped to
 * [`minAmountPerTransaction`, `maxAmountPerTransaction`].
 */
export interface PercentagePrice {
  readonly model: 'percentage';
  readonly currency: string;
  readonly percentage: DecimalInput;
  readonly fixedAmount?: DecimalInput;
  readonly minAmountPerTransaction?: DecimalInput;
  readonly maxAmountPerTransaction?: DecimalInput;
}

/** Any price definition; the factory picks the strategy from `model`. */
export type PriceDefinition = FlatPrice | PerUnitPrice | GraduatedPrice | VolumePrice | PackagePrice | PercentagePrice;

/**
 * What is being priced. `units` is the quantity (seats, calls, GB; decimals as strings).
 * `transactions` are the amounts, in minor units, a percentage price takes its cut of; without
 * them a percentage price treats `units` as a single transaction amount.
 */
export interface PricingInput {
  readonly units?: DecimalInput;
  readonly transactions?: readonly DecimalInput[];
}

/** How one tier contributed to a graduated or volume price (exact decimal strings, minor units). */
export interface TierCharge {
  readonly tier: number;
  readonly units: string;
  readonly unitAmount: string;
  readonly flatAmount: string;
  readonly amount: string;
}

/**
 * A priced line: `amount` is rounded once with the named mode; `exactAmount` is the unrounded
 * value in minor units (decimal string) for audit; `unitAmount` is the per-unit rate applied where
 * one rate explains the amount (per unit, volume tier, package price per package), else null.
 * `billableUnits` is what `unitAmount` multiplies (units beyond the included ones, packages,
 * or the total transaction amount for a percentage price).
 */
export interface PriceResult {
  readonly model: PricingModel;
  readonly amount: Money;
  readonly exactAmount: string;
  readonly unitAmount: string | null;
  readonly billableUnits: string;
  readonly tiers: readonly TierCharge[];
}

/** @internal The exact, unrounded outcome of a strategy. */
export interface ExactPrice {
  readonly exact: Rational;
  readonly unitAmount: Rational | null;
  readonly billableUnits: Rational;
  readonly tiers: readonly TierCharge[];
}

/** @internal A validated strategy: units and (optionally) transactions in, exact amount out. */
export type ExactPricer = (units: Rational, transactions: readonly Rational[] | undefined) => ExactPrice;
