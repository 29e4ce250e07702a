import { describe, expect, it } from 'vitest';
import type { PriceInfo } from '../../../activities/types.js';
import type { PriceDefinition } from '../../../src/domain/index.js';
import { prorate, prorationLineDrafts, recurringLines } from '../../../workflows/subscription-lines.js';
import type { ItemState } from '../../../workflows/subscription-state.js';

const monthly = { unit: 'month', count: 1 } as const;
const price = (priceId: string, productName: string, definition: PriceDefinition, usageType: 'licensed' | 'metered' = 'licensed'): PriceInfo => ({
  priceId,
  productId: `prod_${priceId}`,
  productName,
  currency: 'USD',
  definition,
  interval: monthly,
  trialDays: null,
  usageType,
  meterId: usageType === 'metered' ? 'meter_calls' : null,
});
const item = (p: PriceInfo, quantity: number): ItemState => ({ priceId: p.priceId, quantity, price: p });

const base = price('price_base', 'Team', { model: 'flat', currency: 'USD', amount: 3000 });
const seat = price('price_seat', 'Seat', { model: 'per_unit', currency: 'USD', unitAmount: '12.5' });
const calls = price('price_calls', 'API calls', { model: 'per_unit', currency: 'USD', unitAmount: '0.06' }, 'metered');
// April 2027: 30 days.
const april = { index: 0, start: Date.UTC(2027, 3, 1), end: Date.UTC(2027, 4, 1) };

describe('recurringLines', () => {
  it('prices each licensed item for the period in advance and leaves metered ones to usage', () => {
    const lines = recurringLines([item(base, 1), item(seat, 3), item(calls, 1)], april);
    expect(lines).toEqual([
      { kind: 'recurring', description: 'Team', priceId: 'price_base', quantity: 1, unitAmountDecimal: '3000', amount: { amount: 3000, currency: 'USD' }, periodStart: april.start, periodEnd: april.end, discountable: true },
      // 3 × 12.5 cents = 37.5 → 38 (half up, rounded once per line)
      { kind: 'recurring', description: '3 × Seat', priceId: 'price_seat', quantity: 3, unitAmountDecimal: '12.5', amount: { amount: 38, currency: 'USD' }, periodStart: april.start, periodEnd: april.end, discountable: true },
    ]);
  });
});

describe('prorate and prorationLineDrafts', () => {
  it('an upgrade halfway through April: the unused half of Team credited, the remaining half of the new seats charged', () => {
    // April 16 00:00: 15 of 30 days remain (1,296,000 of 2,592,000 s).
    const at = Date.UTC(2027, 3, 16);
    const result = prorate([item(base, 1)], [item(base, 1), item(seat, 4)], april, at, monthly, monthly);
    expect(result.direction).toBe('upgrade');
    const drafts = prorationLineDrafts(result);
    // Seats: 4 × 12.5 = 50 cents a month, half = 25; the base fee is unchanged, so it nets to nothing.
    expect(drafts.reduce((sum, line) => sum + line.amount.amount, 0)).toBe(25);
    for (const line of drafts) {
      expect(line.kind).toBe('proration');
      expect(line.unitAmountDecimal).toBeNull();
      expect(line.periodStart).toBe(at);
      expect(line.periodEnd).toBe(april.end);
      // Credits are not discounted again; charges are.
      expect(line.discountable).toBe(line.amount.amount > 0);
    }
  });

  it('a downgrade credits more than it charges, and metered items never prorate', () => {
    const at = Date.UTC(2027, 3, 16);
    const result = prorate([item(base, 1), item(calls, 1)], [item(calls, 1)], april, at, monthly, monthly);
    // The unused half of $30.00: −1500
    expect(prorationLineDrafts(result).map((line) => [line.priceId, line.amount.amount, line.discountable])).toEqual([['price_base', -1500, false]]);
    expect(result.direction).toBe('downgrade');
  });
});
