import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertItemsWithinBounds, assertPriceWithinBounds, MAX_QUANTITY } from '../../../src/billing/amount-bounds.js';
import type { PriceDefinition } from '../../../src/domain/index.js';
import { MAXIMUM_CHARGE_MINOR_UNITS } from '../../../src/payments/charge-limits.js';

const perUnit = (unitAmount: number | string): PriceDefinition => ({ model: 'per_unit', currency: 'USD', unitAmount });
const licensed = (definition: PriceDefinition, quantity: number) => ({ quantity, price: { definition, usageType: 'licensed' as const } });

function refusal(work: () => void): { code: string; details: { fields?: Array<{ path: string; code: string }>; maximum?: number } } | null {
  try {
    work();
    return null;
  } catch (error) {
    return error as never;
  }
}

describe('assertPriceWithinBounds', () => {
  it('refuses a unit amount beyond one charge, naming the field (the first finding of the issue)', () => {
    // 9,007,199,254,740,991 > 99,999,999
    expect(refusal(() => assertPriceWithinBounds(perUnit(9007199254740991)))).toMatchObject({
      code: 'amount_too_large',
      details: { fields: [{ path: 'pricing.unitAmount', code: 'amount_too_large' }], maximum: 99_999_999 },
    });
  });

  it('accepts exactly the maximum and refuses a fraction more', () => {
    expect(refusal(() => assertPriceWithinBounds(perUnit(99_999_999)))).toBeNull();
    expect(refusal(() => assertPriceWithinBounds(perUnit('99999999.000000000001')))?.code).toBe('amount_too_large');
    expect(refusal(() => assertPriceWithinBounds(perUnit('0.000000000001')))).toBeNull();
  });

  it('checks every money parameter of every model, tiers by index', () => {
    const huge = 100_000_000;
    expect(refusal(() => assertPriceWithinBounds({ model: 'flat', currency: 'USD', amount: huge }))?.details.fields?.[0]?.path).toBe('pricing.amount');
    expect(refusal(() => assertPriceWithinBounds({ model: 'package', currency: 'USD', packageAmount: huge, packageSize: 10 }))?.details.fields?.[0]?.path).toBe('pricing.packageAmount');
    const tiers = [{ upTo: 10, unitAmount: 100 }, { upTo: null, unitAmount: 50, flatAmount: huge }];
    expect(refusal(() => assertPriceWithinBounds({ model: 'graduated', currency: 'USD', tiers }, 'definition'))?.details.fields?.[0]?.path).toBe('definition.tiers.1.flatAmount');
    expect(refusal(() => assertPriceWithinBounds({ model: 'percentage', currency: 'USD', percentage: '2.9', fixedAmount: huge }))?.details.fields?.[0]?.path).toBe('pricing.fixedAmount');
    // Units (tier bounds, included units, package size) are not money: any size is fine.
    expect(refusal(() => assertPriceWithinBounds({ model: 'volume', currency: 'USD', tiers: [{ upTo: 1e15, unitAmount: 1 }, { upTo: null, unitAmount: 1 }] }))).toBeNull();
  });
});

describe('assertItemsWithinBounds', () => {
  it('refuses price × quantity beyond one charge (the second finding of the issue)', () => {
    // 200,000 × 1,000,000 = 200,000,000,000 > 99,999,999
    expect(refusal(() => assertItemsWithinBounds([licensed(perUnit(200_000), 1_000_000)], 'USD'))).toMatchObject({
      code: 'amount_too_large',
      details: { fields: [{ path: 'items.0.quantity', code: 'amount_too_large' }] },
    });
  });

  it('refuses a period whose items together exceed one charge, though each fits', () => {
    // 60,000,000 + 50,000,000 = 110,000,000 > 99,999,999
    const items = [licensed({ model: 'flat', currency: 'USD', amount: 60_000_000 }, 1), licensed(perUnit(50_000_000), 1)];
    expect(refusal(() => assertItemsWithinBounds(items, 'USD'))).toMatchObject({ code: 'amount_too_large', details: { fields: [{ path: 'items' }] } });
    // 60,000,000 + 39,999,999 = 99,999,999: exactly the maximum
    expect(refusal(() => assertItemsWithinBounds([items[0]!, licensed(perUnit(39_999_999), 1)], 'USD'))).toBeNull();
  });

  it('refuses quantities outside 1 to 1,000,000 as invalid_quantity', () => {
    for (const quantity of [0, -1, 1.5, MAX_QUANTITY + 1, Number.MAX_SAFE_INTEGER + 2]) {
      expect(refusal(() => assertItemsWithinBounds([licensed(perUnit(1), quantity)], 'USD'))).toMatchObject({ code: 'invalid_quantity', details: { fields: [{ path: 'items.0.quantity' }] } });
    }
  });

  it('refuses a flat price with any quantity but 1: it is one fee per period, which a quantity would misprint', () => {
    const team = { model: 'flat', currency: 'USD', amount: 4900 } as const;
    for (const quantity of [2, 10, MAX_QUANTITY]) {
      expect(refusal(() => assertItemsWithinBounds([licensed(perUnit(100), 3), licensed(team, quantity)], 'USD'))).toMatchObject({
        code: 'invalid_quantity',
        details: { fields: [{ path: 'items.1.quantity', code: 'flat_price_quantity' }] },
      });
    }
    expect(refusal(() => assertItemsWithinBounds([licensed(team, 1)], 'USD'))).toBeNull();
  });

  it('leaves metered items to usage: their quantity is not a fee', () => {
    expect(refusal(() => assertItemsWithinBounds([{ quantity: MAX_QUANTITY, price: { definition: perUnit(99_999_999), usageType: 'metered' } }], 'USD'))).toBeNull();
  });

  it('accepts exactly what one charge can collect, for any per-unit price and quantity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * MAXIMUM_CHARGE_MINOR_UNITS }), fc.integer({ min: 1, max: MAX_QUANTITY }), (unitAmount, quantity) => {
        const total = BigInt(unitAmount) * BigInt(quantity);
        const outcome = refusal(() => assertItemsWithinBounds([licensed(perUnit(unitAmount), quantity)], 'USD'));
        expect(outcome === null).toBe(total <= BigInt(MAXIMUM_CHARGE_MINOR_UNITS));
      }),
      { numRuns: 500 },
    );
  });
});
