import { getCurrency } from '../currency.js';
import { DomainError } from '../errors.js';
import { roundToMoney } from '../money.js';
import { compare, parseDecimal, toDecimalString, ZERO } from '../rational.js';
import type { DecimalInput, Rational } from '../rational.js';
import { DEFAULT_ROUNDING_MODE } from '../rounding.js';
import type { RoundingMode } from '../rounding.js';
import { flatPricer } from './flat.js';
import { graduatedPricer } from './graduated.js';
import { packagePricer } from './package.js';
import { percentagePricer } from './percentage.js';
import { perUnitPricer } from './per-unit.js';
import type { ExactPrice, ExactPricer, PriceDefinition, PriceResult, PricingInput, PricingModel } from './types.js';
import { volumePricer } from './volume.js';

/** A validated price definition that can price any quantity. */
export interface PricingStrategy {
  readonly model: PricingModel;
  readonly currency: string;
  /** Prices `input` (a quantity, or `{ units, transactions }`) and rounds the line once. */
  price(input: PricingInput | DecimalInput, rounding?: RoundingMode): PriceResult;
  /** @internal The exact unrounded amount, for proration and property tests. */
  exact(input: PricingInput | DecimalInput): ExactPrice;
}

function pricerFor(definition: PriceDefinition): ExactPricer {
  switch (definition.model) {
    case 'flat':
      return flatPricer(definition);
    case 'per_unit':
      return perUnitPricer(definition);
    case 'graduated':
      return graduatedPricer(definition);
    case 'volume':
      return volumePricer(definition);
    case 'package':
      return packagePricer(definition);
    case 'percentage':
      return percentagePricer(definition);
    default: {
      const model: unknown = (definition as { model?: unknown }).model;
      throw new DomainError('invalid_price_definition', `Unknown pricing model: ${String(model)}`, { model });
    }
  }
}

function quantity(value: DecimalInput, field: string): Rational {
  let parsed: Rational;
  try {
    parsed = parseDecimal(value, field);
  } catch {
    throw new DomainError('invalid_quantity', `${field} must be a non-negative decimal`, { field, value });
  }
  if (compare(parsed, ZERO) < 0) {
    throw new DomainError('invalid_quantity', `${field} must not be negative`, { field, value });
  }
  return parsed;
}

function normaliseInput(input: PricingInput | DecimalInput): { units: Rational; transactions: Rational[] | undefined } {
  const { units = 0, transactions } = typeof input === 'object' && input !== null ? input : { units: input };
  return {
    units: quantity(units, 'units'),
    transactions: transactions?.map((amount, index) => quantity(amount, `transactions[${index}]`)),
  };
}

/**
 * The one factory: validates a JSON price definition and returns the strategy for its `model`.
 * Invalid definitions fail here (`invalid_price_definition`), not at invoicing time.
 */
export function createPricingStrategy(definition: PriceDefinition): PricingStrategy {
  if (typeof definition !== 'object' || definition === null) {
    throw new DomainError('invalid_price_definition', 'A price definition is an object with a model');
  }
  const { code: currency } = getCurrency(definition.currency);
  const pricer = pricerFor(definition);
  const exact = (input: PricingInput | DecimalInput): ExactPrice => {
    const { units, transactions } = normaliseInput(input);
    return pricer(units, transactions);
  };
  return {
    model: definition.model,
    currency,
    exact,
    price(input, rounding = DEFAULT_ROUNDING_MODE) {
      const result = exact(input);
      return {
        model: definition.model,
        amount: roundToMoney(result.exact, currency, rounding),
        exactAmount: toDecimalString(result.exact),
        unitAmount: result.unitAmount === null ? null : toDecimalString(result.unitAmount),
        billableUnits: toDecimalString(result.billableUnits),
        tiers: result.tiers,
      };
    },
  };
}

/** Shorthand for `createPricingStrategy(definition).price(input, rounding)`. */
export function priceUsage(
  definition: PriceDefinition,
  input: PricingInput | DecimalInput,
  rounding: RoundingMode = DEFAULT_ROUNDING_MODE,
): PriceResult {
  return createPricingStrategy(definition).price(input, rounding);
}

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
} from './types.js';
