import { isDomainError, priceUsage, roundDecimal, type DecimalInput, type PriceDefinition } from '../domain/index.js';
import { maximumChargeAmount } from '../payments/charge-limits.js';
import { failure } from './failures.js';

/**
 * Amount bounds, checked where amounts enter (a price is created, a subscription is created or
 * its items change): every money parameter of a price, every item's price × quantity, and the
 * sum of a period's recurring fees must fit in one gateway charge for the currency (and so in a
 * safe integer). Refusals are `amount_too_large` naming the field. Pure: the subscription
 * workflow's change handler applies the same rule, so the simulator and the API are covered alike.
 */

/** Whole units per item: seats, licenses. */
export const MAX_QUANTITY = 1_000_000;

function tooLarge(path: string, message: string, maximum: number): never {
  throw failure('amount_too_large', message, { fields: [{ path, code: 'amount_too_large', message }], maximum });
}

function exceeds(value: DecimalInput, maximum: number): boolean {
  return BigInt(roundDecimal(value, 'ceiling')) > BigInt(maximum);
}

/** The definition's money parameters (minor units) with their paths under `prefix`. */
function moneyParameters(definition: PriceDefinition, prefix: string): Array<[string, DecimalInput]> {
  const at = (name: string) => `${prefix}.${name}`;
  const optional = (name: string, value: DecimalInput | undefined): Array<[string, DecimalInput]> => (value === undefined ? [] : [[at(name), value]]);
  switch (definition.model) {
    case 'flat':
      return [[at('amount'), definition.amount]];
    case 'per_unit':
      return [[at('unitAmount'), definition.unitAmount]];
    case 'package':
      return [[at('packageAmount'), definition.packageAmount]];
    case 'graduated':
    case 'volume':
      return definition.tiers.flatMap((tier, index): Array<[string, DecimalInput]> => [
        [at(`tiers.${index}.unitAmount`), tier.unitAmount],
        ...optional(`tiers.${index}.flatAmount`, tier.flatAmount),
      ]);
    case 'percentage':
      return [
        ...optional('fixedAmount', definition.fixedAmount),
        ...optional('minAmountPerTransaction', definition.minAmountPerTransaction),
        ...optional('maxAmountPerTransaction', definition.maxAmountPerTransaction),
      ];
  }
}

/** Every money parameter of a (domain-valid) price definition fits in one charge. */
export function assertPriceWithinBounds(definition: PriceDefinition, prefix = 'pricing'): void {
  const maximum = maximumChargeAmount(definition.currency);
  for (const [path, value] of moneyParameters(definition, prefix)) {
    if (exceeds(value, maximum)) tooLarge(path, `${path} is ${String(value)} minor units; one charge in ${definition.currency} is at most ${maximum}`, maximum);
  }
}

export interface BoundedItem {
  quantity: number;
  price: { definition: PriceDefinition; usageType: 'licensed' | 'metered' };
}

/**
 * The recurring fees of `items` for one period fit in one charge: each licensed item's price ×
 * quantity, and their sum. Metered items are billed from usage, not from a quantity, so only
 * their price parameters are bounded (at price creation).
 */
export function assertItemsWithinBounds(items: readonly BoundedItem[], currency: string, prefix = 'items'): void {
  const maximum = maximumChargeAmount(currency);
  let total = 0n;
  for (const [index, item] of items.entries()) {
    const path = `${prefix}.${index}.quantity`;
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      const message = `${path} must be a whole number from 1 to ${MAX_QUANTITY}`;
      throw failure('invalid_quantity', message, { fields: [{ path, code: 'invalid_quantity', message }] });
    }
    if (item.price.definition.model === 'flat' && item.quantity !== 1) {
      // A flat price is one fee whatever the count; accepting 2 would print "2 × Team" and bill once.
      const message = `${path} must be 1: a flat price is one fee per period (use a per_unit price to bill by quantity)`;
      throw failure('invalid_quantity', message, { fields: [{ path, code: 'flat_price_quantity', message }] });
    }
    if (item.price.usageType !== 'licensed') continue;
    let amount: number;
    try {
      amount = priceUsage(item.price.definition, item.quantity).amount.amount;
    } catch (error) {
      // Beyond the safe-integer range: certainly beyond one charge.
      if (isDomainError(error, 'amount_overflow')) tooLarge(path, `${path} × its price is beyond any chargeable amount`, maximum);
      throw error;
    }
    if (amount > maximum) tooLarge(path, `${path} × its price is ${amount} minor units; one charge in ${currency} is at most ${maximum}`, maximum);
    total += BigInt(amount);
  }
  if (total > BigInt(maximum)) tooLarge(prefix, `the items come to ${total} minor units a period; one charge in ${currency} is at most ${maximum}`, maximum);
}
