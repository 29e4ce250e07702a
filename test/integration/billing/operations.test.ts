import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrice } from '../../../src/billing/catalog/create-price.js';
import { createMeter } from '../../../src/billing/meters/create-meter.js';
import { createProduct } from '../../../src/billing/catalog/create-product.js';
import { applyCoupon } from '../../../src/billing/coupons/apply-coupon.js';
import { createCoupon } from '../../../src/billing/coupons/create-coupon.js';
import { adjustCreditBalance } from '../../../src/billing/credit/adjust-credit-balance.js';
import { createCustomer } from '../../../src/billing/customers/create-customer.js';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { saveDunningPolicy } from '../../../src/billing/dunning/save-dunning-policy.js';
import { BillingError } from '../../../src/billing/failures.js';
import { createSubscriptionRecord } from '../../../src/billing/subscriptions/create-subscription-record.js';
import { createTaxRate } from '../../../src/billing/tax/create-tax-rate.js';
import { money } from '../../../src/domain/index.js';
import { seedCustomer, seedPrice, seedTenant } from '../../support/billing-fixtures.js';
import { startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let db: TestDatabase;
let stripe: SandboxHarness;
beforeAll(async () => {
  db = await createTestDatabase();
  stripe = await startSandbox({ seed: 5 });
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

const monthly = { unit: 'month', count: 1 } as const;
const START = Date.UTC(2026, 0, 31, 9);

function flatPrice(tenantId: string, currency: string, amount: number, extra: { trialDays?: number; interval?: { unit: 'month' | 'year'; count: number } } = {}) {
  return seedPrice(db.prisma, { tenantId, currency, interval: extra.interval ?? monthly, definition: { model: 'flat', currency, amount }, ...(extra.trialDays === undefined ? {} : { trialDays: extra.trialDays }) });
}

describe('catalog', () => {
  it('creates a price from a validated definition, filling model and unit amount', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const product = await createProduct(db.prisma, { tenantId, name: 'API' });
    const meter = await createMeter(db.prisma, { tenantId, key: 'api_calls', aggregation: 'count' });
    const price = await createPrice(db.prisma, { tenantId, productId: product.productId, currency: 'usd', definition: { model: 'per_unit', currency: 'USD', unitAmount: '0.06' }, interval: monthly, usageType: 'metered', meterId: meter.id });
    await expect(createPrice(db.prisma, { tenantId, productId: product.productId, currency: 'usd', definition: { model: 'per_unit', currency: 'USD', unitAmount: 1 }, interval: monthly, usageType: 'metered' })).rejects.toMatchObject({ code: 'meter_required' });
    const row = await db.prisma.price.findUniqueOrThrow({ where: { id: price.priceId } });
    expect([row.model, row.currency, row.unitAmountDecimal?.toFixed(), row.usageType]).toEqual(['per_unit', 'USD', '0.06', 'metered']);
  });

  it('refuses an invalid definition, a currency mismatch and a foreign product with typed errors', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const other = await seedTenant(db.prisma);
    const product = await createProduct(db.prisma, { tenantId, name: 'Plan' });
    const base = { tenantId, productId: product.productId, currency: 'USD', interval: monthly };
    await expect(createPrice(db.prisma, { ...base, definition: { model: 'volume', currency: 'USD', tiers: [] } })).rejects.toMatchObject({ code: 'invalid_price_definition', kind: 'invalid' });
    await expect(createPrice(db.prisma, { ...base, definition: { model: 'flat', currency: 'EUR', amount: 100 } })).rejects.toMatchObject({ code: 'currency_mismatch' });
    await expect(createPrice(db.prisma, { ...base, tenantId: other.tenantId, definition: { model: 'flat', currency: 'USD', amount: 100 } })).rejects.toMatchObject({ code: 'product_not_found', kind: 'not_found' });
    await expect(createPrice(db.prisma, { ...base, currency: 'XYZ', definition: { model: 'flat', currency: 'USD', amount: 100 } })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('customers', () => {
  it('creates the gateway customer and saves a default card', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const customer = await createCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'usd', email: 'a@example.com', taxJurisdiction: 'us-ca' });
    expect(customer.gatewayCustomerId).toMatch(/^cus_/); // Stripe's own prefix
    expect(customer.customerId).toMatch(/^cust_/); // ours, never mistaken for it
    const method = await setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId: customer.customerId, gatewayPaymentMethodId: 'pm_card_visa' });
    const row = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.customerId } });
    expect([row.currency, row.taxJurisdiction, row.defaultPaymentMethodId]).toEqual(['USD', 'US-CA', method.paymentMethodId]);
    expect(method.last4).toBe('4242');
  });

  it('reports a card refused while saved as payment_method_rejected', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    await expect(setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_chargeDeclinedStolenCard' })).rejects.toMatchObject({
      code: 'payment_method_rejected',
      details: { declineCode: 'stolen_card' },
    });
  });

  it('refuses a second customer with the same external id (a unique violation, typed)', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    await createCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', externalId: 'user-7' });
    await expect(createCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', externalId: 'user-7' })).rejects.toMatchObject({ code: 'customer_already_exists', kind: 'conflict' });
    const other = await seedTenant(db.prisma);
    expect((await createCustomer(db.prisma, stripe.gateway, { tenantId: other.tenantId, currency: 'USD', externalId: 'user-7' })).customerId).toMatch(/^cust_/);
  });

  it("never finds another tenant's customer", async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const other = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId: other.tenantId, currency: 'USD' });
    await expect(setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_visa' })).rejects.toMatchObject({ code: 'customer_not_found' });
  });
});

describe('createSubscriptionRecord', () => {
  it('starts a trial from the longest price trial; the trial end is the anchor', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const base = await flatPrice(tenantId, 'USD', 3000, { trialDays: 14 });
    const addon = await flatPrice(tenantId, 'USD', 500, { trialDays: 7 });
    const record = await createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, items: [{ priceId: base.priceId, quantity: 1 }, { priceId: addon.priceId, quantity: 1 }] });
    // 14 days after Jan 31 09:00 is Feb 14 09:00
    expect(record).toMatchObject({ status: 'trialing', currency: 'USD', trialStart: START, trialEnd: Date.UTC(2026, 1, 14, 9), billingAnchor: Date.UTC(2026, 1, 14, 9) });
    expect(record.items.map((item) => item.quantity)).toEqual([1, 1]);
    const noTrial = await createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, trialDays: null, items: [{ priceId: base.priceId, quantity: 1 }] });
    expect(noTrial).toMatchObject({ status: 'incomplete', trialEnd: null, billingAnchor: START });
  });

  it('refuses unknown or foreign prices, mixed currencies and intervals with typed errors', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const other = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const usd = await flatPrice(tenantId, 'USD', 1000);
    const eur = await flatPrice(tenantId, 'EUR', 1000);
    const yearly = await flatPrice(tenantId, 'USD', 10000, { interval: { unit: 'year', count: 1 } });
    const foreign = await flatPrice(other.tenantId, 'USD', 1000);
    const create = (priceIds: string[], customer = customerId) =>
      createSubscriptionRecord(db.prisma, { tenantId, customerId: customer, startAt: START, items: priceIds.map((priceId) => ({ priceId, quantity: 1 })) });
    await expect(create(['price_missing'])).rejects.toMatchObject({ code: 'price_not_found', kind: 'not_found' });
    await expect(create([foreign.priceId])).rejects.toMatchObject({ code: 'price_not_found' });
    await expect(create([usd.priceId, eur.priceId])).rejects.toMatchObject({ code: 'currency_mismatch', kind: 'invalid' });
    await expect(create([eur.priceId])).rejects.toMatchObject({ code: 'currency_mismatch' });
    await expect(create([usd.priceId, yearly.priceId])).rejects.toMatchObject({ code: 'interval_mismatch' });
    await expect(create([usd.priceId, usd.priceId])).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(create([])).rejects.toBeInstanceOf(BillingError);
    const foreignCustomer = await seedCustomer(db.prisma, stripe.gateway, { tenantId: other.tenantId, currency: 'USD' });
    await expect(create([usd.priceId], foreignCustomer.customerId)).rejects.toMatchObject({ code: 'customer_not_found' });
    expect(await db.prisma.subscription.count({ where: { tenantId } })).toBe(0);
  });
});

describe('coupons, tax, dunning and credit', () => {
  it('validates coupons and caps redemptions', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    await expect(createCoupon(db.prisma, { tenantId, code: 'BAD', percentOff: 120, duration: 'once' })).rejects.toMatchObject({ code: 'invalid_coupon' });
    await expect(createCoupon(db.prisma, { tenantId, code: 'BAD', duration: 'repeating', percentOff: 10 })).rejects.toMatchObject({ code: 'invalid_coupon' });
    const eur = await createCoupon(db.prisma, { tenantId, code: 'EUR5', amountOff: { amount: 500, currency: 'EUR' }, duration: 'once' });
    await expect(applyCoupon(db.prisma, { tenantId, couponId: eur.couponId, customerId })).rejects.toMatchObject({ code: 'currency_mismatch' });
    const single = await createCoupon(db.prisma, { tenantId, code: 'ONE', percentOff: 10, duration: 'forever', maxRedemptions: 1 });
    await expect(createCoupon(db.prisma, { tenantId, code: 'ONE', percentOff: 5, duration: 'forever' })).rejects.toMatchObject({ code: 'coupon_code_taken', kind: 'conflict' });
    await applyCoupon(db.prisma, { tenantId, couponId: single.couponId, customerId });
    await expect(applyCoupon(db.prisma, { tenantId, couponId: single.couponId, customerId })).rejects.toMatchObject({ code: 'coupon_max_redemptions' });
    await expect(applyCoupon(db.prisma, { tenantId, couponId: single.couponId })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('validates tax rates and dunning policies with the domain', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    await expect(createTaxRate(db.prisma, { tenantId, jurisdiction: 'US-CA', displayName: 'CA', percentage: '101' })).rejects.toMatchObject({ code: 'invalid_tax_rate' });
    await expect(createTaxRate(db.prisma, { tenantId, jurisdiction: 'US-CA', displayName: 'CA', percentage: '7.1234567' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await createTaxRate(db.prisma, { tenantId, jurisdiction: 'us-ca', displayName: 'CA', percentage: 7.25 })).toMatchObject({ jurisdiction: 'US-CA', percentage: '7.25', inclusive: false });
    await expect(saveDunningPolicy(db.prisma, { tenantId, retryOffsetsDays: [3, 1], finalAction: 'cancel' })).rejects.toMatchObject({ code: 'invalid_dunning_policy' });
    await saveDunningPolicy(db.prisma, { tenantId, retryOffsetsDays: [1, 3], finalAction: 'leave_past_due' });
    await saveDunningPolicy(db.prisma, { tenantId, retryOffsetsDays: [1, 3, 5], maxAttempts: 3, finalAction: 'cancel' });
    const row = await db.prisma.dunningPolicy.findUniqueOrThrow({ where: { tenantId } });
    expect([row.retryOffsetsDays, row.maxAttempts, row.finalAction, row.invoiceFinalState]).toEqual([[1, 3, 5], 3, 'cancel', 'uncollectible']);
  });

  it('adjusts the credit balance, once per source key, never below zero', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const add = { tenantId, customerId, amount: money(1000, 'USD'), reason: 'goodwill', sourceKey: 'ticket:42' };
    expect((await adjustCreditBalance(db.prisma, add)).balance).toEqual(money(1000, 'USD'));
    expect(await adjustCreditBalance(db.prisma, add)).toMatchObject({ created: false, balance: money(1000, 'USD') });
    // 1000 − 400 = 600
    expect((await adjustCreditBalance(db.prisma, { tenantId, customerId, amount: money(-400, 'USD'), reason: 'correction' })).balance).toEqual(money(600, 'USD'));
    await expect(adjustCreditBalance(db.prisma, { tenantId, customerId, amount: money(-601, 'USD'), reason: 'too much' })).rejects.toMatchObject({ code: 'insufficient_credit_balance' });
    const other = await seedTenant(db.prisma);
    await expect(adjustCreditBalance(db.prisma, { ...add, tenantId: other.tenantId, sourceKey: 'x' })).rejects.toMatchObject({ code: 'customer_not_found' });
  });
});
