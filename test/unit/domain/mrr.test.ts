import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mrrBuckets,
  mrrMetrics,
  mrrPoints,
  monthlyAmount,
  subscriptionMrr,
  type MrrItem,
  type MrrPoint,
  type PriceDefinition,
} from '../../../src/domain/index.js';

const utc = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h);
const flat = (amount: number, currency = 'USD'): PriceDefinition => ({ model: 'flat', currency, amount });
const item = (amount: number, unit: MrrItem['interval']['unit'], count = 1): MrrItem => ({
  definition: flat(amount),
  quantity: 1,
  interval: { unit, count },
  usageType: 'licensed',
});

describe('subscriptionMrr', () => {
  it('normalises annual ÷ 12, quarterly ÷ 3, weekly × 52/12 and daily × 365/12, rounding once half-up', () => {
    // 120000 a year / 12 = 10000.
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(120_000, 'year')], coupons: [] })).toBe(10_000n);
    // 30000 a quarter / 3 = 10000.
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(30_000, 'month', 3)], coupons: [] })).toBe(10_000n);
    // 1000 a week × 52 / 12 = 4333.33… → 4333.
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(1000, 'week')], coupons: [] })).toBe(4333n);
    // 100 a day × 365 / 12 = 3041.67 → 3042.
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(100, 'day')], coupons: [] })).toBe(3042n);
    // Sum before rounding: 1000/12 + 1000/12 = 166.67 → 167 (rounding each would give 83 + 83 = 166).
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(1000, 'year'), item(1000, 'year')], coupons: [] })).toBe(167n);
  });

  it('takes coupons off as an invoice would, and counts nothing of metered items or of a subscription that is not revenue', () => {
    const percent = { id: 'd1', type: 'percent' as const, percentOff: 25, duration: 'forever' as const };
    const fixed = { id: 'd2', type: 'fixed_amount' as const, amountOff: { amount: 500, currency: 'USD' as const }, duration: 'forever' as const };
    // 5000 a seat a month × 3 seats = 15000; 25 % off = 11250.
    const seats: MrrItem = { definition: { model: 'per_unit', currency: 'USD', unitAmount: 5000 }, quantity: 3, interval: { unit: 'month', count: 1 }, usageType: 'licensed' };
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [seats], coupons: [percent] })).toBe(11_250n);
    // 120000 a year − 500 off the invoice = 119500 / 12 = 9958.33 → 9958.
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [item(120_000, 'year')], coupons: [fixed] })).toBe(9958n);
    const metered: MrrItem = { definition: { model: 'per_unit', currency: 'USD', unitAmount: '2' }, quantity: 1, interval: { unit: 'month', count: 1 }, usageType: 'metered' };
    expect(subscriptionMrr({ currency: 'USD', counted: true, items: [metered], coupons: [] })).toBe(0n);
    expect(subscriptionMrr({ currency: 'USD', counted: false, items: [item(5000, 'month')], coupons: [] })).toBe(0n);
  });

  it('monthlyAmount is exact: 52 weeks of any fee is twelve months of it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), (fee) => {
        const weekly = monthlyAmount(fee, { unit: 'week', count: 1 });
        // weekly × 12 = fee × 52: compare n/d × 12 with fee × 52 exactly.
        expect(weekly.n * 12n).toBe(fee * 52n * weekly.d);
      }),
    );
  });
});

describe('mrrBuckets: a month with one new, one upgrade, one downgrade, one churn and one reactivation', () => {
  // Customers (USD, minor units per month). Before June 2030:
  //   B pays 5000 since March, C pays 8000 since March, D pays 3000 since March,
  //   E paid 2000 from January and churned on 1 April (so June's return is a reactivation).
  // In June: A starts at 4000 on 3 June (new), B upgrades 5000 → 9000 on 10 June (+4000 expansion),
  //   C downgrades 8000 → 6000 on 15 June (−2000 contraction), D cancels on 20 June (−3000 churn),
  //   E comes back at 2500 on 25 June (+2500 reactivation).
  const points: MrrPoint[] = [
    { subscriptionId: 'sub_e1', customerId: 'E', at: utc(2030, 1, 5), mrr: 2000n },
    { subscriptionId: 'sub_b', customerId: 'B', at: utc(2030, 3, 1), mrr: 5000n },
    { subscriptionId: 'sub_c', customerId: 'C', at: utc(2030, 3, 1), mrr: 8000n },
    { subscriptionId: 'sub_d', customerId: 'D', at: utc(2030, 3, 1), mrr: 3000n },
    { subscriptionId: 'sub_e1', customerId: 'E', at: utc(2030, 4, 1), mrr: 0n },
    { subscriptionId: 'sub_a', customerId: 'A', at: utc(2030, 6, 3, 9), mrr: 4000n },
    { subscriptionId: 'sub_b', customerId: 'B', at: utc(2030, 6, 10), mrr: 9000n },
    { subscriptionId: 'sub_c', customerId: 'C', at: utc(2030, 6, 15), mrr: 6000n },
    { subscriptionId: 'sub_d', customerId: 'D', at: utc(2030, 6, 20), mrr: 0n },
    { subscriptionId: 'sub_e2', customerId: 'E', at: utc(2030, 6, 25), mrr: 2500n },
  ];
  const [june] = mrrBuckets(points, [utc(2030, 6, 1), utc(2030, 7, 1)]);

  it('classifies each movement and they sum to the change in MRR', () => {
    // Opening: B 5000 + C 8000 + D 3000 = 16000. Closing: A 4000 + B 9000 + C 6000 + E 2500 = 21500.
    expect(june?.openingMrr).toBe(16_000n);
    expect(june?.closingMrr).toBe(21_500n);
    expect(june?.movements).toEqual({ new: 4000n, expansion: 4000n, contraction: -2000n, churn: -3000n, reactivation: 2500n });
    // 4000 + 4000 − 2000 − 3000 + 2500 = 5500 = 21500 − 16000.
    expect(june?.customers).toEqual({ opening: 3, closing: 4, new: 1, reactivated: 1, churned: 1 });
  });

  it('derives ARR, ARPU, churn rates, NRR and LTV from the bucket', () => {
    const metrics = mrrMetrics(june!, { monthly: true });
    // ARR = 21500 × 12 = 258000. ARPU = 21500 / 4 = 5375.
    expect(metrics.arr).toBe(258_000n);
    expect(metrics.arpu).toBe(5375n);
    // Subscriber churn: 1 of the 3 paying at the start = 0.333333.
    expect(metrics.subscriberChurnRate).toBe(0.333333);
    // Revenue churn: (3000 churned + 2000 contracted) / 16000 = 0.3125.
    expect(metrics.revenueChurnRate).toBe(0.3125);
    // NRR: the opening cohort B, C, D closes at 9000 + 6000 + 0 = 15000; 15000 / 16000 = 0.9375.
    expect(metrics.netRevenueRetention).toBe(0.9375);
    // LTV = ARPU / revenue churn = 5375 / 0.3125 = 17200.
    expect(metrics.ltv).toBe(17_200n);
    expect(mrrMetrics(june!, { monthly: false }).ltv).toBeNull();
  });

  it('splits the month into days that chain: each day opens where the last closed', () => {
    const days = Array.from({ length: 31 }, (_, i) => utc(2030, 6, 1 + i));
    const buckets = mrrBuckets(points, days);
    expect(buckets).toHaveLength(30);
    expect(buckets[2]?.movements.new).toBe(4000n); // 3 June
    for (let i = 1; i < buckets.length; i += 1) expect(buckets[i]?.openingMrr).toBe(buckets[i - 1]?.closingMrr);
    expect(buckets.at(-1)?.closingMrr).toBe(21_500n);
  });

  it('treats a move to another subscription at one instant as no movement, and a second subscription as expansion', () => {
    const moved = mrrBuckets(
      [
        { subscriptionId: 's1', customerId: 'X', at: utc(2030, 5, 1), mrr: 1000n },
        { subscriptionId: 's1', customerId: 'X', at: utc(2030, 6, 5), mrr: 0n },
        { subscriptionId: 's2', customerId: 'X', at: utc(2030, 6, 5), mrr: 1000n },
        { subscriptionId: 's3', customerId: 'X', at: utc(2030, 6, 9), mrr: 700n },
      ],
      [utc(2030, 6, 1), utc(2030, 7, 1)],
    );
    expect(moved[0]?.movements).toEqual({ new: 0n, expansion: 700n, contraction: 0n, churn: 0n, reactivation: 0n });
  });
});

describe('mrrPoints', () => {
  it('adds invoiced usage over its period while the subscription counts', () => {
    const points = mrrPoints(
      [
        { subscriptionId: 's', customerId: 'C', at: utc(2030, 6, 1), counted: true, mrr: 1000n },
        { subscriptionId: 's', customerId: 'C', at: utc(2030, 7, 20), counted: false, mrr: 0n },
      ],
      [
        { subscriptionId: 's', from: utc(2030, 6, 1), to: utc(2030, 7, 1), mrr: 300n },
        { subscriptionId: 's', from: utc(2030, 7, 1), to: utc(2030, 8, 1), mrr: 500n },
      ],
    );
    // June: 1000 + 300; July: 1000 + 500; canceled 20 July: 0 although July's usage window runs on.
    expect(points.map((p) => [new Date(p.at).toISOString().slice(0, 10), p.mrr])).toEqual([
      ['2030-06-01', 1300n],
      ['2030-07-01', 1500n],
      ['2030-07-20', 0n],
    ]);
  });
});

describe('mrrBuckets properties', () => {
  const pointArb = fc.record({
    subscriptionId: fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6'),
    at: fc.integer({ min: utc(2030, 1, 1), max: utc(2030, 12, 31) }),
    mrr: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 1_000_000n })),
  });
  const owner = (subscriptionId: string) => ({ s1: 'A', s2: 'A', s3: 'B', s4: 'C', s5: 'C', s6: 'D' })[subscriptionId] ?? 'Z';

  it('movements sum exactly to each bucket\'s change, buckets chain, and customers add up', () => {
    fc.assert(
      fc.property(fc.array(pointArb, { maxLength: 60 }), fc.uniqueArray(fc.integer({ min: utc(2029, 12, 1), max: utc(2031, 1, 1) }), { minLength: 2, maxLength: 8 }), (raw, cuts) => {
        const points = raw.map((p) => ({ ...p, customerId: owner(p.subscriptionId) }));
        const boundaries = [...cuts].sort((a, b) => a - b);
        const buckets = mrrBuckets(points, boundaries);
        for (const [i, bucket] of buckets.entries()) {
          const m = bucket.movements;
          expect(m.new + m.expansion + m.contraction + m.churn + m.reactivation).toBe(bucket.closingMrr - bucket.openingMrr);
          expect(m.new >= 0n && m.expansion >= 0n && m.reactivation >= 0n && m.contraction <= 0n && m.churn <= 0n).toBe(true);
          expect(bucket.customers.opening + bucket.customers.new + bucket.customers.reactivated - bucket.customers.churned).toBe(bucket.customers.closing);
          if (i > 0) expect(bucket.openingMrr).toBe(buckets[i - 1]?.closingMrr);
        }
      }),
    );
  });
});
