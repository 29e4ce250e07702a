import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { archivePrice } from '../../../src/billing/catalog/archive-price.js';
import { archiveProduct } from '../../../src/billing/catalog/archive-product.js';
import { createPrice } from '../../../src/billing/catalog/create-price.js';
import { createMeter } from '../../../src/billing/meters/create-meter.js';
import { createProduct } from '../../../src/billing/catalog/create-product.js';
import { deletePrice } from '../../../src/billing/catalog/delete-price.js';
import { deleteProduct } from '../../../src/billing/catalog/delete-product.js';
import { getPrice } from '../../../src/billing/catalog/get-price.js';
import { getProduct } from '../../../src/billing/catalog/get-product.js';
import { listPrices } from '../../../src/billing/catalog/list-prices.js';
import { listProducts } from '../../../src/billing/catalog/list-products.js';
import { updateProduct } from '../../../src/billing/catalog/update-product.js';
import { deletedPriceViewSchema, deletedProductViewSchema, priceViewSchema, productViewSchema } from '../../../src/billing/catalog/views.js';
import type { DeletedPriceView, DeletedProductView, PriceView, ProductView } from '../../../src/billing/catalog/views.js';
import { applyCoupon } from '../../../src/billing/coupons/apply-coupon.js';
import { archiveCoupon } from '../../../src/billing/coupons/archive-coupon.js';
import { createCoupon } from '../../../src/billing/coupons/create-coupon.js';
import { getCoupon } from '../../../src/billing/coupons/get-coupon.js';
import { listCoupons } from '../../../src/billing/coupons/list-coupons.js';
import { listDiscounts } from '../../../src/billing/coupons/list-discounts.js';
import { couponViewSchema, discountViewSchema } from '../../../src/billing/coupons/views.js';
import type { CouponView, DiscountView } from '../../../src/billing/coupons/views.js';
import { adjustCreditBalance } from '../../../src/billing/credit/adjust-credit-balance.js';
import { getCreditBalance } from '../../../src/billing/credit/get-credit-balance.js';
import { listCreditTransactions } from '../../../src/billing/credit/list-credit-transactions.js';
import { creditBalanceViewSchema, creditTransactionViewSchema } from '../../../src/billing/credit/views.js';
import type { CreditBalanceView, CreditTransactionView } from '../../../src/billing/credit/views.js';
import { getCustomer } from '../../../src/billing/customers/get-customer.js';
import { listCustomers } from '../../../src/billing/customers/list-customers.js';
import { listPaymentMethods } from '../../../src/billing/customers/list-payment-methods.js';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { startPaymentMethodSetup } from '../../../src/billing/customers/start-payment-method-setup.js';
import { updateCustomer } from '../../../src/billing/customers/update-customer.js';
import { customerViewSchema, paymentMethodSetupViewSchema, paymentMethodViewSchema } from '../../../src/billing/customers/views.js';
import type { CustomerView, DefaultPaymentMethodView, PaymentMethodSetupView, PaymentMethodView, defaultPaymentMethodViewSchema } from '../../../src/billing/customers/views.js';
import { getDunningPolicy } from '../../../src/billing/dunning/get-dunning-policy.js';
import { saveDunningPolicy } from '../../../src/billing/dunning/save-dunning-policy.js';
import { dunningPolicyViewSchema, toDunningPolicyView } from '../../../src/billing/dunning/views.js';
import type { DunningPolicyView } from '../../../src/billing/dunning/views.js';
import type { Page, PageRequest } from '../../../src/billing/pagination.js';
import { createSubscriptionRecord } from '../../../src/billing/subscriptions/create-subscription-record.js';
import { DEFAULT_HARD_DECLINE_CODES, money } from '../../../src/domain/index.js';
import { newId } from '../../../src/ids.js';
import { seedCustomer, seedPrice, seedTenant } from '../../support/billing-fixtures.js';
import { startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

let db: TestDatabase;
let stripe: SandboxHarness;
beforeAll(async () => {
  db = await createTestDatabase();
  stripe = await startSandbox({ seed: 11 });
});
afterAll(async () => {
  await stripe.close();
  await db.drop();
});

const monthly = { unit: 'month', count: 1 } as const;
const START = Date.UTC(2026, 0, 31, 9);
const T0 = new Date(Date.UTC(2026, 2, 1, 12));
const EMPTY_PAGE = { data: [], hasMore: false, nextCursor: null };

/** A view survives JSON and its schema unchanged: plain JSON, exactly the documented fields. */
function expectDocumented<T>(schema: z.ZodType<T>, view: T): void {
  expect(JSON.parse(JSON.stringify(view))).toStrictEqual(view);
  expect(schema.parse(view)).toStrictEqual(view);
}

function flatPrice(tenantId: string, currency: string, amount: number) {
  return seedPrice(db.prisma, { tenantId, currency, interval: monthly, definition: { model: 'flat', currency, amount } });
}

function customerRow(tenantId: string, data: { currency?: string | null; createdAt?: Date } = {}) {
  return db.prisma.customer.create({ data: { id: newId('cus'), tenantId, currency: data.currency ?? null, ...(data.createdAt ? { createdAt: data.createdAt } : {}) } });
}

function invoiceRow(tenantId: string, customerId: string) {
  return db.prisma.invoice.create({ data: { id: newId('inv'), tenantId, customerId, sourceKey: newId('src'), kind: 'manual', currency: 'USD' } });
}

/**
 * Five creation instants in pairs (two rows share one, so the id breaks the tie), and the order a
 * newest-first list must return the ids in.
 */
function instants(count: number): Date[] {
  return Array.from({ length: count }, (_, i) => new Date(T0.getTime() + Math.floor(i / 2) * 1000));
}
function newestFirst(rows: Array<{ id: string; at: Date }>): string[] {
  return [...rows].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1)).map((row) => row.id);
}

/** Every page from the first with limit 2, following nextCursor; the ids in the order returned. */
async function pagedIds(list: (page: PageRequest) => Promise<Page<{ id: string }>>): Promise<{ sizes: number[]; ids: string[] }> {
  const sizes: number[] = [];
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i += 1) {
    const page = await list({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    sizes.push(page.data.length);
    ids.push(...page.data.map((row) => row.id));
    expect(page.hasMore).toBe(page.nextCursor !== null);
    if (page.nextCursor === null) return { sizes, ids };
    cursor = page.nextCursor;
  }
  throw new Error('pagination never ended');
}

describe('view types and schemas', () => {
  it('each interface is exactly its schema', () => {
    expectTypeOf<CustomerView>().toEqualTypeOf<z.output<typeof customerViewSchema>>();
    expectTypeOf<DefaultPaymentMethodView>().toEqualTypeOf<z.output<typeof defaultPaymentMethodViewSchema>>();
    expectTypeOf<PaymentMethodView>().toEqualTypeOf<z.output<typeof paymentMethodViewSchema>>();
    expectTypeOf<PaymentMethodSetupView>().toEqualTypeOf<z.output<typeof paymentMethodSetupViewSchema>>();
    expectTypeOf<ProductView>().toEqualTypeOf<z.output<typeof productViewSchema>>();
    expectTypeOf<PriceView>().toEqualTypeOf<z.output<typeof priceViewSchema>>();
    expectTypeOf<DeletedProductView>().toEqualTypeOf<z.output<typeof deletedProductViewSchema>>();
    expectTypeOf<DeletedPriceView>().toEqualTypeOf<z.output<typeof deletedPriceViewSchema>>();
    expectTypeOf<CouponView>().toEqualTypeOf<z.output<typeof couponViewSchema>>();
    expectTypeOf<DiscountView>().toEqualTypeOf<z.output<typeof discountViewSchema>>();
    expectTypeOf<CreditBalanceView>().toEqualTypeOf<z.output<typeof creditBalanceViewSchema>>();
    expectTypeOf<CreditTransactionView>().toEqualTypeOf<z.output<typeof creditTransactionViewSchema>>();
    expectTypeOf<DunningPolicyView>().toEqualTypeOf<z.output<typeof dunningPolicyViewSchema>>();
  });
});

describe('customers', () => {
  it('reads a customer with its default card and gateway id', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const seeded = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'usd', taxJurisdiction: 'us-ca', email: 'ada@example.com' });
    const view = await getCustomer(db.prisma, { tenantId, customerId: seeded.customerId });
    expect(view).toMatchObject({
      id: seeded.customerId,
      object: 'customer',
      email: 'ada@example.com',
      name: null,
      externalId: null,
      currency: 'USD',
      taxJurisdiction: 'US-CA',
      gatewayCustomerId: seeded.gatewayCustomerId,
      defaultPaymentMethod: { id: seeded.paymentMethodId, brand: 'visa', last4: '4242' },
      metadata: {},
    });
    expect(view.defaultPaymentMethod?.expYear).toEqual(expect.any(Number));
    expectDocumented(customerViewSchema, view);
    // A detached default can no longer be charged, so it is shown as none.
    await db.prisma.paymentMethod.updateMany({ where: { id: seeded.paymentMethodId ?? '' }, data: { detachedAt: new Date() } });
    expect((await getCustomer(db.prisma, { tenantId, customerId: seeded.customerId })).defaultPaymentMethod).toBeNull();
  });

  it('updates the given fields, pushes email and name to the gateway, and refuses a taken external id', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId, gatewayCustomerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const updated = await updateCustomer(db.prisma, stripe.gateway, {
      tenantId,
      customerId,
      email: 'new@example.com',
      name: 'Ada Lovelace',
      taxJurisdiction: 'de',
      externalId: 'user-1',
      metadata: { plan: 'gold' },
    });
    expect(updated).toMatchObject({ email: 'new@example.com', name: 'Ada Lovelace', taxJurisdiction: 'DE', externalId: 'user-1', metadata: { plan: 'gold' }, currency: 'USD' });
    expectDocumented(customerViewSchema, updated);
    expect(await stripe.stripe.customers.retrieve(gatewayCustomerId)).toMatchObject({ email: 'new@example.com', name: 'Ada Lovelace' });
    // Metadata is replaced, not merged; null clears a field; absent fields stay.
    const second = await updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, metadata: { tier: 2 }, name: null });
    expect(second).toMatchObject({ metadata: { tier: 2 }, name: null, email: 'new@example.com', externalId: 'user-1' });

    const other = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    await expect(updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId: other.customerId, externalId: 'user-1' })).rejects.toMatchObject({
      code: 'customer_already_exists',
      kind: 'conflict',
    });
    await expect(updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, email: 'not-an-email', currency: 'XYZ' })).rejects.toMatchObject({
      code: 'invalid_input',
      details: { fields: [expect.objectContaining({ path: 'email' }), expect.objectContaining({ path: 'currency' })] },
    });
  });

  it('changes the currency only while the customer has no subscriptions and no invoices', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    expect((await updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, currency: 'eur' })).currency).toBe('EUR');
    const price = await flatPrice(tenantId, 'EUR', 1000);
    await createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, items: [{ priceId: price.priceId, quantity: 1 }] });
    await expect(updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, currency: 'USD' })).rejects.toMatchObject({ code: 'customer_currency_locked', kind: 'conflict' });
    // Restating the same currency changes nothing, so it is allowed.
    expect((await updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, currency: 'EUR', name: 'Same' })).name).toBe('Same');

    const invoiced = await customerRow(tenantId, { currency: 'USD' });
    await invoiceRow(tenantId, invoiced.id);
    await expect(updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId: invoiced.id, currency: 'GBP' })).rejects.toMatchObject({ code: 'customer_currency_locked' });
  });

  it('lists customers newest first, filtered by email or external id, in pages', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const rows = await Promise.all(instants(5).map((createdAt) => customerRow(tenantId, { createdAt })));
    await db.prisma.customer.update({ where: { id: rows[0]?.id ?? '' }, data: { email: 'find@example.com', externalId: 'ext-9' } });
    const paged = await pagedIds((page) => listCustomers(db.prisma, { tenantId, ...page }));
    expect(paged).toEqual({ sizes: [2, 2, 1], ids: newestFirst(rows.map((row) => ({ id: row.id, at: row.createdAt }))) });
    expect((await listCustomers(db.prisma, { tenantId, email: 'find@example.com' })).data.map((c) => c.id)).toEqual([rows[0]?.id]);
    expect((await listCustomers(db.prisma, { tenantId, externalId: 'ext-9' })).data.map((c) => c.id)).toEqual([rows[0]?.id]);
    expect(await listCustomers(db.prisma, { tenantId, email: 'FIND@example.com' })).toEqual(EMPTY_PAGE);
    const first = await listCustomers(db.prisma, { tenantId, limit: 1 });
    for (const view of first.data) expectDocumented(customerViewSchema, view);

    await expect(listCustomers(db.prisma, { tenantId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor', kind: 'malformed' });
    const forged = Buffer.from(JSON.stringify({ c: 'yesterday', i: 'x' })).toString('base64url');
    await expect(listCustomers(db.prisma, { tenantId, cursor: forged })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listCustomers(db.prisma, { tenantId, limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('lists the saved payment methods, marking the default and leaving out detached ones', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId, paymentMethodId: visa } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const mastercard = await setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_mastercard' });
    const amex = await setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId, gatewayPaymentMethodId: 'pm_card_amex' });
    await db.prisma.paymentMethod.update({ where: { id: amex.paymentMethodId }, data: { detachedAt: new Date() } });
    await db.prisma.paymentMethod.update({ where: { id: visa ?? '' }, data: { createdAt: T0 } });
    await db.prisma.paymentMethod.update({ where: { id: mastercard.paymentMethodId }, data: { createdAt: new Date(T0.getTime() + 1000) } });
    // Amex was the default until it was detached at the gateway; make mastercard the default again.
    await db.prisma.customer.update({ where: { id: customerId }, data: { defaultPaymentMethodId: mastercard.paymentMethodId } });
    const page = await listPaymentMethods(db.prisma, { tenantId, customerId });
    expect(page.data.map((m) => [m.id, m.brand, m.last4, m.isDefault])).toEqual([
      [mastercard.paymentMethodId, 'mastercard', '4444', true],
      [visa, 'visa', '4242', false],
    ]);
    for (const view of page.data) expectDocumented(paymentMethodViewSchema, view);
    expect((await getCustomer(db.prisma, { tenantId, customerId })).defaultPaymentMethod).toMatchObject({ id: mastercard.paymentMethodId, brand: 'mastercard' });
  });

  it('starts a payment method setup at the gateway, once per setup key', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    // A customer whose gateway customer was never created: the setup creates it first.
    const customer = await customerRow(tenantId, { currency: 'USD' });
    const setup = await startPaymentMethodSetup(db.prisma, stripe.gateway, { tenantId, customerId: customer.id, setupKey: 'checkout-1' });
    expect(setup).toMatchObject({ object: 'payment_method_setup', customerId: customer.id, setupId: expect.stringMatching(/^seti_/) as unknown });
    expect(setup.clientSecret).toMatch(/^seti_.+_secret_/);
    expectDocumented(paymentMethodSetupViewSchema, setup);
    const { gatewayCustomerId } = await db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(await stripe.stripe.setupIntents.retrieve(setup.setupId)).toMatchObject({ customer: gatewayCustomerId, usage: 'off_session' });
    expect(await startPaymentMethodSetup(db.prisma, stripe.gateway, { tenantId, customerId: customer.id, setupKey: 'checkout-1' })).toEqual(setup);
    expect((await startPaymentMethodSetup(db.prisma, stripe.gateway, { tenantId, customerId: customer.id })).setupId).not.toBe(setup.setupId);
  });
});

describe('catalog', () => {
  it('reads, updates, archives and lists products', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { productId } = await createProduct(db.prisma, { tenantId, name: 'API', description: 'Calls', metadata: { team: 'core' } });
    const view = await getProduct(db.prisma, { tenantId, productId });
    expect(view).toMatchObject({ id: productId, object: 'product', name: 'API', description: 'Calls', active: true, metadata: { team: 'core' } });
    expectDocumented(productViewSchema, view);
    const updated = await updateProduct(db.prisma, { tenantId, productId, name: 'API v2', description: null, metadata: {} });
    expect(updated).toMatchObject({ name: 'API v2', description: null, metadata: {} });
    await expect(updateProduct(db.prisma, { tenantId, productId })).rejects.toMatchObject({ code: 'invalid_input' });

    const archived = await archiveProduct(db.prisma, { tenantId, productId });
    expect(archived.active).toBe(false);
    const archivedAt = (await db.prisma.product.findUniqueOrThrow({ where: { id: productId } })).archivedAt;
    expect(await archiveProduct(db.prisma, { tenantId, productId })).toMatchObject({ active: false });
    expect((await db.prisma.product.findUniqueOrThrow({ where: { id: productId } })).archivedAt).toEqual(archivedAt);
    await expect(createPrice(db.prisma, { tenantId, productId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 1 }, interval: monthly })).rejects.toMatchObject({
      code: 'product_not_found',
    });

    const rows = await Promise.all(instants(4).map((_, i) => createProduct(db.prisma, { tenantId, name: `P${i}` })));
    await Promise.all(rows.map((row, i) => db.prisma.product.update({ where: { id: row.productId }, data: { createdAt: instants(5)[i + 1] } })));
    await db.prisma.product.update({ where: { id: productId }, data: { createdAt: instants(5)[0] } });
    const all = [productId, ...rows.map((row) => row.productId)].map((id, i) => ({ id, at: instants(5)[i] ?? T0 }));
    expect(await pagedIds((page) => listProducts(db.prisma, { tenantId, ...page }))).toEqual({ sizes: [2, 2, 1], ids: newestFirst(all) });
    expect((await listProducts(db.prisma, { tenantId, active: false })).data.map((p) => p.id)).toEqual([productId]);
    expect((await listProducts(db.prisma, { tenantId, active: true })).data).toHaveLength(4);
  });

  it('reads, archives and lists prices; an archived price is refused for new subscriptions', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const { productId } = await createProduct(db.prisma, { tenantId, name: 'Seats' });
    const meter = await createMeter(db.prisma, { tenantId, key: 'api_calls', aggregation: 'count' });
    const created = await createPrice(db.prisma, {
      tenantId,
      productId,
      currency: 'usd',
      definition: { model: 'per_unit', currency: 'USD', unitAmount: '0.06' },
      interval: { unit: 'year', count: 1 },
      trialDays: 14,
      usageType: 'metered',
      meterId: meter.id,
      nickname: 'API calls',
    });
    const view = await getPrice(db.prisma, { tenantId, priceId: created.priceId });
    expect(view).toEqual({
      id: created.priceId,
      object: 'price',
      productId,
      currency: 'USD',
      model: 'per_unit',
      usageType: 'metered',
      meterId: meter.id,
      // As POST /v1/prices takes it: the currency is the price's own field.
      pricing: { model: 'per_unit', unitAmount: '0.06' },
      interval: { unit: 'year', count: 1 },
      trialDays: 14,
      nickname: 'API calls',
      active: true,
      createdAt: expect.any(String) as unknown,
    });
    expectDocumented(priceViewSchema, view);

    const eur = await createPrice(db.prisma, { tenantId, productId, currency: 'EUR', definition: { model: 'flat', currency: 'EUR', amount: 900 }, interval: monthly });
    const other = await flatPrice(tenantId, 'USD', 500);
    expect((await archivePrice(db.prisma, { tenantId, priceId: created.priceId })).active).toBe(false);
    expect((await archivePrice(db.prisma, { tenantId, priceId: created.priceId })).active).toBe(false);
    const ids = async (filters: Parameters<typeof listPrices>[1]) => (await listPrices(db.prisma, filters)).data.map((p) => p.id);
    expect(await ids({ tenantId, productId })).toEqual(expect.arrayContaining([created.priceId, eur.priceId]));
    expect(await ids({ tenantId, productId })).toHaveLength(2);
    expect(await ids({ tenantId, active: true })).toEqual(expect.arrayContaining([eur.priceId, other.priceId]));
    expect(await ids({ tenantId, active: false })).toEqual([created.priceId]);
    expect(await ids({ tenantId, currency: 'eur' })).toEqual([eur.priceId]);
    await expect(
      createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, items: [{ priceId: created.priceId, quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'price_not_found' });
  });

  it('lists prices in pages', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { productId } = await createProduct(db.prisma, { tenantId, name: 'Plan' });
    const at = instants(5);
    const prices = await Promise.all(
      at.map((_, i) => createPrice(db.prisma, { tenantId, productId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 100 + i }, interval: monthly })),
    );
    await Promise.all(prices.map((price, i) => db.prisma.price.update({ where: { id: price.priceId }, data: { createdAt: at[i] } })));
    const expected = newestFirst(prices.map((price, i) => ({ id: price.priceId, at: at[i] ?? T0 })));
    expect(await pagedIds((page) => listPrices(db.prisma, { tenantId, productId, ...page }))).toEqual({ sizes: [2, 2, 1], ids: expected });
  });

  it('deletes only what nothing refers to, and says to archive the rest', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const subscribed = await flatPrice(tenantId, 'USD', 1000);
    await createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, items: [{ priceId: subscribed.priceId, quantity: 1 }] });
    await expect(deletePrice(db.prisma, { tenantId, priceId: subscribed.priceId })).rejects.toMatchObject({ code: 'price_in_use', kind: 'conflict' });
    await expect(deleteProduct(db.prisma, { tenantId, productId: subscribed.productId })).rejects.toMatchObject({
      code: 'product_in_use',
      kind: 'conflict',
      message: expect.stringContaining('archive it instead') as unknown,
    });

    const invoiced = await flatPrice(tenantId, 'USD', 2000);
    const invoice = await invoiceRow(tenantId, customerId);
    await db.prisma.invoiceLine.create({
      data: { id: newId('il'), tenantId, invoiceId: invoice.id, kind: 'recurring', description: 'Plan', priceId: invoiced.priceId, amount: 2000n, currency: 'USD', position: 0 },
    });
    await expect(deletePrice(db.prisma, { tenantId, priceId: invoiced.priceId })).rejects.toMatchObject({ code: 'price_in_use' });

    const unused = await flatPrice(tenantId, 'USD', 3000);
    await archivePrice(db.prisma, { tenantId, priceId: unused.priceId });
    // An archived price still counts: the product may only be archived.
    await expect(deleteProduct(db.prisma, { tenantId, productId: unused.productId })).rejects.toMatchObject({ code: 'product_in_use' });
    const deletedPrice = await deletePrice(db.prisma, { tenantId, priceId: unused.priceId });
    expect(deletedPrice).toEqual({ id: unused.priceId, object: 'price', deleted: true });
    expectDocumented(deletedPriceViewSchema, deletedPrice);
    await expect(getPrice(db.prisma, { tenantId, priceId: unused.priceId })).rejects.toMatchObject({ code: 'price_not_found' });
    const deletedProduct = await deleteProduct(db.prisma, { tenantId, productId: unused.productId });
    expectDocumented(deletedProductViewSchema, deletedProduct);
    await expect(deleteProduct(db.prisma, { tenantId, productId: unused.productId })).rejects.toMatchObject({ code: 'product_not_found' });
  });
});

describe('coupons and discounts', () => {
  it('reads, lists and archives coupons; an archived coupon can no longer be applied', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const percent = await createCoupon(db.prisma, { tenantId, code: 'TWENTY', percentOff: '12.5', duration: 'repeating', durationInPeriods: 3, maxRedemptions: 10, redeemBy: T0.getTime() + 86_400_000 * 365 });
    const fixed = await createCoupon(db.prisma, { tenantId, code: 'FIVE', amountOff: { amount: 500, currency: 'usd' }, duration: 'once' });
    await applyCoupon(db.prisma, { tenantId, couponId: percent.couponId, customerId, at: T0.getTime() });
    const percentView = await getCoupon(db.prisma, { tenantId, couponId: percent.couponId });
    expect(percentView).toMatchObject({ object: 'coupon', code: 'TWENTY', percentOff: '12.5', amountOff: null, currency: null, duration: 'repeating', durationInPeriods: 3, maxRedemptions: 10, timesRedeemed: 1, active: true });
    expect(percentView.redeemBy).toBe(new Date(T0.getTime() + 86_400_000 * 365).toISOString());
    expectDocumented(couponViewSchema, percentView);
    const fixedView = await getCoupon(db.prisma, { tenantId, couponId: fixed.couponId });
    expect(fixedView).toMatchObject({ percentOff: null, amountOff: 500, currency: 'USD', redeemBy: null, durationInPeriods: null });
    expectDocumented(couponViewSchema, fixedView);

    expect((await archiveCoupon(db.prisma, { tenantId, couponId: fixed.couponId })).active).toBe(false);
    expect((await archiveCoupon(db.prisma, { tenantId, couponId: fixed.couponId })).active).toBe(false);
    await expect(applyCoupon(db.prisma, { tenantId, couponId: fixed.couponId, customerId })).rejects.toMatchObject({ code: 'coupon_not_found' });
    expect((await listCoupons(db.prisma, { tenantId, active: true })).data.map((c) => c.id)).toEqual([percent.couponId]);
    expect((await listCoupons(db.prisma, { tenantId, active: false })).data.map((c) => c.id)).toEqual([fixed.couponId]);
    expect((await listCoupons(db.prisma, { tenantId, code: 'FIVE' })).data.map((c) => c.id)).toEqual([fixed.couponId]);

    const more = await Promise.all([1, 2, 3].map((n) => createCoupon(db.prisma, { tenantId, code: `C${n}`, percentOff: n, duration: 'forever' })));
    const all = [percent.couponId, fixed.couponId, ...more.map((c) => c.couponId)];
    const at = instants(5);
    await Promise.all(all.map((id, i) => db.prisma.coupon.update({ where: { id }, data: { createdAt: at[i] } })));
    expect(await pagedIds((page) => listCoupons(db.prisma, { tenantId, ...page }))).toEqual({ sizes: [2, 2, 1], ids: newestFirst(all.map((id, i) => ({ id, at: at[i] ?? T0 }))) });
  });

  it("lists a customer's and a subscription's discounts, newest first, in pages", async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    const price = await flatPrice(tenantId, 'USD', 1000);
    const { subscriptionId } = await createSubscriptionRecord(db.prisma, { tenantId, customerId, startAt: START, items: [{ priceId: price.priceId, quantity: 1 }] });
    const at = instants(5);
    const applied = [];
    for (const [i, when] of at.entries()) {
      const coupon = await createCoupon(db.prisma, { tenantId, code: `D${i}`, percentOff: 5, duration: 'forever' });
      applied.push(await applyCoupon(db.prisma, { tenantId, couponId: coupon.couponId, customerId, at: when.getTime() }));
    }
    const onSubscription = await applyCoupon(db.prisma, { tenantId, couponId: (await createCoupon(db.prisma, { tenantId, code: 'SUB', percentOff: 10, duration: 'once' })).couponId, subscriptionId });
    const expected = newestFirst(applied.map((discount, i) => ({ id: discount.discountId, at: at[i] ?? T0 })));
    expect(await pagedIds((page) => listDiscounts(db.prisma, { tenantId, customerId, ...page }))).toEqual({ sizes: [2, 2, 1], ids: expected });
    const subscriptionPage = await listDiscounts(db.prisma, { tenantId, subscriptionId });
    expect(subscriptionPage.data.map((d) => d.id)).toEqual([onSubscription.discountId]);
    expect(subscriptionPage.data[0]).toMatchObject({ object: 'discount', subscriptionId, customerId: null, periodsApplied: 0, endedAt: null, coupon: { code: 'SUB' } });
    for (const view of subscriptionPage.data) expectDocumented(discountViewSchema, view);
    await expect(listDiscounts(db.prisma, { tenantId, customerId, subscriptionId })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(listDiscounts(db.prisma, { tenantId, customerId, cursor: 'bad' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('credit balance', () => {
  it('sums the ledger per currency and lists its entries newest first, in pages', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
    expect(await getCreditBalance(db.prisma, { tenantId, customerId })).toEqual({ object: 'credit_balance', customerId, balances: [] });
    const ledger = [[1000, 'USD', 'goodwill'], [-400, 'USD', 'correction'], [250, 'EUR', 'refund as credit'], [-250, 'EUR', 'used'], [5, 'USD', 'rounding']] as const;
    const entries = [];
    for (const [amount, currency, reason] of ledger) {
      if (currency === 'USD') {
        const { transactionId } = await adjustCreditBalance(db.prisma, { tenantId, customerId, amount: money(amount, currency), reason });
        entries.push({ transactionId, currency });
      } else {
        // A USD customer cannot be given EUR credit through the API any more; a ledger may still
        // hold some from before its currency was fixed, and the balance must show it.
        await expect(adjustCreditBalance(db.prisma, { tenantId, customerId, amount: money(amount, currency), reason })).rejects.toMatchObject({ code: 'currency_mismatch' });
        const row = await db.prisma.creditBalanceTransaction.create({
          data: { id: `cbt_${reason.replaceAll(' ', '_')}`, tenantId, customerId, amount: BigInt(amount), currency, reason, sourceKey: `legacy:${reason}` },
        });
        entries.push({ transactionId: row.id, currency });
      }
    }
    const balance = await getCreditBalance(db.prisma, { tenantId, customerId });
    // USD: 1000 − 400 + 5 = 605; EUR: 250 − 250 = 0, still listed.
    expect(balance.balances).toEqual([
      { currency: 'EUR', amount: 0 },
      { currency: 'USD', amount: 605 },
    ]);
    expectDocumented(creditBalanceViewSchema, balance);

    const at = instants(5);
    await Promise.all(entries.map((entry, i) => db.prisma.creditBalanceTransaction.update({ where: { id: entry.transactionId }, data: { createdAt: at[i] } })));
    const expected = newestFirst(entries.map((entry, i) => ({ id: entry.transactionId, at: at[i] ?? T0 })));
    expect(await pagedIds((page) => listCreditTransactions(db.prisma, { tenantId, customerId, ...page }))).toEqual({ sizes: [2, 2, 1], ids: expected });
    const usd = await listCreditTransactions(db.prisma, { tenantId, customerId, currency: 'usd' });
    const usdIds = new Set(entries.filter((entry) => entry.currency === 'USD').map((entry) => entry.transactionId));
    expect(usd.data.map((entry) => entry.id)).toEqual(expected.filter((id) => usdIds.has(id)));
    expect(usd.data.map((entry) => entry.amount).sort((a, b) => a - b)).toEqual([-400, 5, 1000]);
    for (const view of usd.data) expectDocumented(creditTransactionViewSchema, view);
  });
});

describe('dunning policy', () => {
  it('reads the default until one is saved, then the saved one, in the shape a save returns', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const fallback = await getDunningPolicy(db.prisma, { tenantId });
    expect(fallback).toEqual({
      id: tenantId,
      object: 'dunning_policy',
      retryOffsetsDays: [1, 3, 5, 7],
      maxAttempts: null,
      hardDeclineCodes: [...DEFAULT_HARD_DECLINE_CODES],
      finalAction: 'cancel',
      invoiceFinalState: 'uncollectible',
      trialEndWithoutPaymentMethod: 'create_invoice',
      isDefault: true,
      updatedAt: null,
    });
    expectDocumented(dunningPolicyViewSchema, fallback);
    const saved = await saveDunningPolicy(db.prisma, { tenantId, retryOffsetsDays: [2, 4.5], maxAttempts: 2, hardDeclineCodes: ['fraudulent'], finalAction: 'leave_past_due', trialEndWithoutPaymentMethod: 'pause' });
    const stored = await getDunningPolicy(db.prisma, { tenantId });
    expect(stored).toMatchObject({ retryOffsetsDays: [2, 4.5], maxAttempts: 2, hardDeclineCodes: ['fraudulent'], finalAction: 'leave_past_due', invoiceFinalState: 'open', trialEndWithoutPaymentMethod: 'pause', isDefault: false });
    expectDocumented(dunningPolicyViewSchema, stored);
    expect(toDunningPolicyView(saved, { isDefault: false, updatedAt: new Date(stored.updatedAt ?? 0) })).toEqual(stored);
    // The view carries every field the save accepts: reading and saving it back changes nothing.
    await saveDunningPolicy(db.prisma, { ...stored, tenantId });
    expect({ ...(await getDunningPolicy(db.prisma, { tenantId })), updatedAt: null }).toEqual({ ...stored, updatedAt: null });
    await expect(getDunningPolicy(db.prisma, { tenantId: 'ten_missing' })).rejects.toMatchObject({ code: 'tenant_not_found' });
  });
});

describe('tenant isolation', () => {
  it("reports another tenant's rows exactly like missing ones and lists none of them", async () => {
    const { tenantId: owner } = await seedTenant(db.prisma);
    const { tenantId } = await seedTenant(db.prisma);
    const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId: owner, currency: 'USD' });
    const { priceId, productId } = await flatPrice(owner, 'USD', 1000);
    const { couponId } = await createCoupon(db.prisma, { tenantId: owner, code: 'MINE', percentOff: 10, duration: 'forever' });
    await applyCoupon(db.prisma, { tenantId: owner, couponId, customerId });
    await adjustCreditBalance(db.prisma, { tenantId: owner, customerId, amount: money(100, 'USD'), reason: 'goodwill' });
    await saveDunningPolicy(db.prisma, { tenantId: owner, retryOffsetsDays: [2], finalAction: 'mark_unpaid' });
    const { subscriptionId } = await createSubscriptionRecord(db.prisma, { tenantId: owner, customerId, startAt: START, items: [{ priceId, quantity: 1 }] });

    const missing: Array<[string, () => Promise<unknown>]> = [
      ['customer_not_found', () => getCustomer(db.prisma, { tenantId, customerId })],
      ['customer_not_found', () => updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, name: 'Mallory' })],
      ['customer_not_found', () => listPaymentMethods(db.prisma, { tenantId, customerId })],
      ['customer_not_found', () => startPaymentMethodSetup(db.prisma, stripe.gateway, { tenantId, customerId })],
      ['customer_not_found', () => getCreditBalance(db.prisma, { tenantId, customerId })],
      ['customer_not_found', () => listCreditTransactions(db.prisma, { tenantId, customerId })],
      ['customer_not_found', () => listDiscounts(db.prisma, { tenantId, customerId })],
      ['subscription_not_found', () => listDiscounts(db.prisma, { tenantId, subscriptionId })],
      ['product_not_found', () => getProduct(db.prisma, { tenantId, productId })],
      ['product_not_found', () => updateProduct(db.prisma, { tenantId, productId, name: 'Stolen' })],
      ['product_not_found', () => archiveProduct(db.prisma, { tenantId, productId })],
      ['product_not_found', () => deleteProduct(db.prisma, { tenantId, productId })],
      ['price_not_found', () => getPrice(db.prisma, { tenantId, priceId })],
      ['price_not_found', () => archivePrice(db.prisma, { tenantId, priceId })],
      ['price_not_found', () => deletePrice(db.prisma, { tenantId, priceId })],
      ['coupon_not_found', () => getCoupon(db.prisma, { tenantId, couponId })],
      ['coupon_not_found', () => archiveCoupon(db.prisma, { tenantId, couponId })],
    ];
    for (const [code, attempt] of missing) await expect(attempt(), code).rejects.toMatchObject({ code, kind: 'not_found' });

    expect(await listCustomers(db.prisma, { tenantId })).toEqual(EMPTY_PAGE);
    expect(await listProducts(db.prisma, { tenantId })).toEqual(EMPTY_PAGE);
    expect(await listPrices(db.prisma, { tenantId, productId })).toEqual(EMPTY_PAGE);
    expect(await listCoupons(db.prisma, { tenantId })).toEqual(EMPTY_PAGE);
    expect(await getDunningPolicy(db.prisma, { tenantId })).toMatchObject({ isDefault: true, finalAction: 'cancel' });

    // Nothing the other tenant tried changed the owner's rows.
    expect(await getCustomer(db.prisma, { tenantId: owner, customerId })).toMatchObject({ name: null });
    expect(await getProduct(db.prisma, { tenantId: owner, productId })).toMatchObject({ name: 'Plan', active: true });
    expect(await getPrice(db.prisma, { tenantId: owner, priceId })).toMatchObject({ active: true });
    expect(await getCoupon(db.prisma, { tenantId: owner, couponId })).toMatchObject({ active: true });
  });
});
