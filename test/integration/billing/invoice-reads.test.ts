import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { applyCoupon } from '../../../src/billing/coupons/apply-coupon.js';
import { createCoupon } from '../../../src/billing/coupons/create-coupon.js';
import { getInvoice } from '../../../src/billing/invoices/get-invoice.js';
import { listInvoices } from '../../../src/billing/invoices/list-invoices.js';
import type { ListInvoicesInput } from '../../../src/billing/invoices/list-invoices.js';
import { invoiceListItemViewSchema, invoiceViewSchema } from '../../../src/billing/invoices/views.js';
import type { InvoiceLineView, InvoiceListItemView, InvoiceView, invoiceLineViewSchema } from '../../../src/billing/invoices/views.js';
import type { Page, PageRequest } from '../../../src/billing/pagination.js';
import { listInvoicePayments, listPayments } from '../../../src/billing/payments/list-payments.js';
import { paymentViewSchema } from '../../../src/billing/payments/views.js';
import type { PaymentView } from '../../../src/billing/payments/views.js';
import { getSubscriptionRecord } from '../../../src/billing/subscriptions/get-subscription-record.js';
import { listSubscriptions } from '../../../src/billing/subscriptions/list-subscriptions.js';
import { subscriptionViewSchema } from '../../../src/billing/subscriptions/views.js';
import type { SubscriptionItemView, SubscriptionView, subscriptionItemViewSchema } from '../../../src/billing/subscriptions/views.js';
import { createSubscriptionRecord } from '../../../src/billing/subscriptions/create-subscription-record.js';
import { createTaxRate } from '../../../src/billing/tax/create-tax-rate.js';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import type { Prisma } from '../../../src/generated/prisma/client.js';
import { newId } from '../../../src/ids.js';
import { seedPrice, seedTenant } from '../../support/billing-fixtures.js';
import { NOW, recurringInvoice, seedSeatSubscription, startActivityHarness, type ActivityHarness } from '../../support/activity-harness.js';

// The activities harness: a database of this file's own, the Stripe sandbox, and the activities
// that write invoices and payments the way the workflows do.
let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

const prisma = () => harness.db.prisma;
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.UTC(2026, 2, 1, 12);

async function customerRow(tenantId: string): Promise<string> {
  const customer = await prisma().customer.create({ data: { id: newId('cus'), tenantId, currency: 'USD' } });
  return customer.id;
}

function invoiceRow(tenantId: string, customerId: string, data: Partial<Prisma.InvoiceUncheckedCreateInput> = {}) {
  return prisma().invoice.create({ data: { id: newId('inv'), tenantId, customerId, sourceKey: newId('src'), kind: 'manual', currency: 'USD', ...data } });
}

/** Every page from the first, following nextCursor; fails if pages never end. */
async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<{ pages: T[][]; last: Page<T> }> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i += 1) {
    const page = await list({ limit, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page.data);
    if (page.nextCursor === null) {
      expect(page.hasMore).toBe(false);
      return { pages, last: page };
    }
    expect(page.hasMore).toBe(true);
    cursor = page.nextCursor;
  }
  throw new Error('pagination never ended');
}

/** A view survives JSON and its schema unchanged: plain JSON, exactly the documented fields. */
function expectDocumented<T>(schema: z.ZodType<T>, view: T): void {
  expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  expect(schema.parse(view)).toEqual(view);
}

describe('view types and schemas', () => {
  it('each interface is exactly its schema', () => {
    expectTypeOf<InvoiceView>().toEqualTypeOf<z.output<typeof invoiceViewSchema>>();
    expectTypeOf<InvoiceListItemView>().toEqualTypeOf<z.output<typeof invoiceListItemViewSchema>>();
    expectTypeOf<InvoiceLineView>().toEqualTypeOf<z.output<typeof invoiceLineViewSchema>>();
    expectTypeOf<PaymentView>().toEqualTypeOf<z.output<typeof paymentViewSchema>>();
    expectTypeOf<SubscriptionView>().toEqualTypeOf<z.output<typeof subscriptionViewSchema>>();
    expectTypeOf<SubscriptionItemView>().toEqualTypeOf<z.output<typeof subscriptionItemViewSchema>>();
  });
});

describe('an invoice the activities billed, declined once, then paid', () => {
  it('reads the invoice with its lines and totals, and its payments in attempt order', async () => {
    const seeded = await seedSeatSubscription(harness, { testPaymentMethod: 'pm_card_chargeCustomerFail', taxJurisdiction: 'us-tx' });
    const { tenantId } = seeded;
    await createTaxRate(prisma(), { tenantId, jurisdiction: 'US-TX', displayName: 'Texas sales tax', percentage: '8.25' });
    const coupon = await createCoupon(prisma(), { tenantId, code: 'TWENTY', percentOff: 20, duration: 'forever' });
    await applyCoupon(prisma(), { tenantId, couponId: coupon.couponId, subscriptionId: seeded.subscriptionId });
    const { invoiceId } = await harness.activities.createInvoice(recurringInvoice(seeded));
    await harness.activities.finalizeInvoice({ tenantId, invoiceId });
    const retryAt = Date.UTC(2026, 1, 1, 12);
    const charge = async (attempt: number, nextRetryAt: number | null) => {
      const outcome = await harness.activities.chargeInvoice({ tenantId, invoiceId, attempt });
      await harness.activities.recordPaymentOutcome({ tenantId, invoiceId, attempt, outcome, nextRetryAt });
    };
    await charge(1, retryAt);
    await setDefaultPaymentMethod(prisma(), harness.stripe.gateway, { tenantId, customerId: seeded.customerId, gatewayPaymentMethodId: 'pm_card_visa' });
    await charge(2, null);

    const invoice = await getInvoice(prisma(), { tenantId, invoiceId });
    // subtotal 3000 + 2000 = 5000; 20% off → 1000; tax 8.25% of 4000 = 330; total 5000 − 1000 + 330 = 4330
    expect(invoice).toMatchObject({
      id: invoiceId,
      object: 'invoice',
      status: 'paid',
      kind: 'recurring',
      customerId: seeded.customerId,
      subscriptionId: seeded.subscriptionId,
      currency: 'USD',
      periodIndex: 0,
      periodStart: iso(NOW),
      periodEnd: iso(Date.UTC(2026, 1, 28, 12)),
      subtotal: 5000,
      discountTotal: 1000,
      taxTotal: 330,
      total: 4330,
      creditApplied: 0,
      amountDue: 4330,
      amountPaid: 4330,
      attemptCount: 2,
      voidedAt: null,
      markedUncollectibleAt: null,
    });
    expect(invoice.number).toMatch(/^INV-\d+$/);
    expect([invoice.finalizedAt, invoice.paidAt, invoice.createdAt].every((value) => typeof value === 'string')).toBe(true);
    expect(invoice.lines.map(({ object, kind, amount, quantity, unitAmountDecimal }) => ({ object, kind, amount, quantity, unitAmountDecimal }))).toEqual([
      { object: 'invoice_line', kind: 'recurring', amount: 3000, quantity: 1, unitAmountDecimal: '3000' },
      { object: 'invoice_line', kind: 'recurring', amount: 2000, quantity: 2, unitAmountDecimal: '1000' },
      { object: 'invoice_line', kind: 'discount', amount: -1000, quantity: null, unitAmountDecimal: null },
      { object: 'invoice_line', kind: 'tax', amount: 330, quantity: null, unitAmountDecimal: null },
    ]);
    expect(invoice.lines[1]).toMatchObject({ priceId: seeded.seatPriceId, currency: 'USD', periodStart: iso(NOW) });
    expect(invoice.lines[1]?.subscriptionItemId).toMatch(/^si_/);
    expectDocumented(invoiceViewSchema, invoice);

    const payments = await listInvoicePayments(prisma(), { tenantId, invoiceId });
    expect(payments.map(({ object, attemptNumber, status, declineCode, hardDecline, amount, currency }) => ({ object, attemptNumber, status, declineCode, hardDecline, amount, currency }))).toEqual([
      { object: 'payment', attemptNumber: 1, status: 'declined', declineCode: 'generic_decline', hardDecline: false, amount: 4330, currency: 'USD' },
      { object: 'payment', attemptNumber: 2, status: 'succeeded', declineCode: null, hardDecline: false, amount: 4330, currency: 'USD' },
    ]);
    expect(payments[1]?.gatewayPaymentIntentId).toMatch(/^pi_/);
    expect(payments.every((payment) => payment.invoiceId === invoiceId && typeof payment.completedAt === 'string')).toBe(true);
    for (const payment of payments) expectDocumented(paymentViewSchema, payment);

    // The tenant-wide list holds the same two payments.
    const tenantWide = await listPayments(prisma(), { tenantId });
    expect(tenantWide.data.map((payment) => payment.id).sort()).toEqual(payments.map((payment) => payment.id).sort());

    // Another tenant sees none of it, exactly as if it did not exist.
    const other = await seedTenant(prisma());
    await expect(getInvoice(prisma(), { tenantId: other.tenantId, invoiceId })).rejects.toMatchObject({ code: 'invoice_not_found', kind: 'not_found' });
    await expect(listInvoicePayments(prisma(), { tenantId: other.tenantId, invoiceId })).rejects.toMatchObject({ code: 'invoice_not_found', kind: 'not_found' });
    expect(await listInvoices(prisma(), { tenantId: other.tenantId })).toEqual({ data: [], hasMore: false, nextCursor: null });
    expect(await listInvoices(prisma(), { tenantId: other.tenantId, customerId: seeded.customerId })).toMatchObject({ data: [] });
    expect(await listPayments(prisma(), { tenantId: other.tenantId })).toMatchObject({ data: [] });
    expect(await listPayments(prisma(), { tenantId: other.tenantId, invoiceId })).toMatchObject({ data: [] });
  });

  it('reports a missing invoice and bad input with typed errors', async () => {
    const { tenantId } = await seedTenant(prisma());
    await expect(getInvoice(prisma(), { tenantId, invoiceId: 'inv_missing' })).rejects.toMatchObject({ code: 'invoice_not_found', details: { id: 'inv_missing' } });
    await expect(listInvoicePayments(prisma(), { tenantId, invoiceId: 'inv_missing' })).rejects.toMatchObject({ code: 'invoice_not_found' });
    const bad = { tenantId: ' ', status: 'pending', limit: 0 } as unknown as ListInvoicesInput;
    const error: unknown = await listInvoices(prisma(), bad).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', kind: 'malformed' });
    const fields = (error as { details: { fields: Array<{ path: string }> } }).details.fields.map((field) => field.path);
    expect(fields.sort()).toEqual(['limit', 'status', 'tenantId']);
  });
});

describe('listInvoices', () => {
  it('filters by status, customer and subscription, without lines', async () => {
    const { tenantId } = await seedTenant(prisma());
    const alice = await customerRow(tenantId);
    const bob = await customerRow(tenantId);
    const { priceId } = await seedPrice(prisma(), { tenantId, currency: 'USD', interval: { unit: 'month', count: 1 }, definition: { model: 'flat', currency: 'USD', amount: 1000 } });
    const sub = await createSubscriptionRecord(prisma(), { tenantId, customerId: alice, startAt: T0, trialDays: null, items: [{ priceId, quantity: 1 }] });
    const aliceOpen = await invoiceRow(tenantId, alice, { status: 'open', subscriptionId: sub.subscriptionId, total: 1000n, amountDue: 1000n });
    const alicePaid = await invoiceRow(tenantId, alice, { status: 'paid' });
    const bobOpen = await invoiceRow(tenantId, bob, { status: 'open' });
    await prisma().invoiceLine.createMany({
      data: [0, 1].map((position) => ({ id: newId('il'), tenantId, invoiceId: aliceOpen.id, kind: 'recurring' as const, description: 'Plan', amount: 500n, currency: 'USD', position })),
    });
    const ids = async (filters: { status?: 'open' | 'paid' | 'void'; customerId?: string; subscriptionId?: string }) =>
      (await listInvoices(prisma(), { tenantId, ...filters })).data.map((item) => item.id).sort();

    expect(await ids({})).toEqual([aliceOpen.id, alicePaid.id, bobOpen.id].sort());
    expect(await ids({ status: 'open' })).toEqual([aliceOpen.id, bobOpen.id].sort());
    expect(await ids({ customerId: alice })).toEqual([aliceOpen.id, alicePaid.id].sort());
    expect(await ids({ customerId: alice, status: 'open' })).toEqual([aliceOpen.id]);
    expect(await ids({ subscriptionId: sub.subscriptionId })).toEqual([aliceOpen.id]);
    expect(await ids({ status: 'void' })).toEqual([]);

    const [item] = (await listInvoices(prisma(), { tenantId, subscriptionId: sub.subscriptionId })).data;
    expect(item).toMatchObject({ object: 'invoice', lineCount: 2, total: 1000, amountDue: 1000, status: 'open' });
    expect(item).not.toHaveProperty('lines');
    if (item !== undefined) expectDocumented(invoiceListItemViewSchema, item);
  });

  it('pages newest first with limit 2, never skipping or repeating rows that share createdAt', async () => {
    const { tenantId } = await seedTenant(prisma());
    const customerId = await customerRow(tenantId);
    // Five invoices in one millisecond, between an older and a newer one: the id breaks the tie.
    const sameInstant = new Date(T0);
    const older = await invoiceRow(tenantId, customerId, { createdAt: new Date(T0 - 60_000) });
    const tied = await Promise.all(Array.from({ length: 5 }, () => invoiceRow(tenantId, customerId, { createdAt: sameInstant })));
    const newer = await invoiceRow(tenantId, customerId, { createdAt: new Date(T0 + 60_000) });

    const { pages, last } = await allPages((page) => listInvoices(prisma(), { tenantId, ...page }), 2);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
    expect(last.nextCursor).toBeNull();
    const seen = pages.flat().map((item) => item.id);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe(newer.id);
    expect(seen.at(-1)).toBe(older.id);
    expect(new Set(seen.slice(1, 6))).toEqual(new Set(tied.map((row) => row.id)));
    // Pages in sequence are the one-page listing, cut in pieces.
    expect((await listInvoices(prisma(), { tenantId, limit: 100 })).data.map((item) => item.id)).toEqual(seen);
    // A filter holds across pages too.
    const { pages: tiedPages } = await allPages((page) => listInvoices(prisma(), { tenantId, customerId, ...page }), 2);
    expect(tiedPages.flat()).toHaveLength(7);
  });

  it('refuses a cursor it did not issue', async () => {
    const { tenantId } = await seedTenant(prisma());
    await expect(listInvoices(prisma(), { tenantId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor', kind: 'malformed' });
    const wellFormedButForeign = Buffer.from(JSON.stringify({ c: 'yesterday', i: 'inv_x' })).toString('base64url');
    await expect(listInvoices(prisma(), { tenantId, cursor: wellFormedButForeign })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listPayments(prisma(), { tenantId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor' });
    await expect(listSubscriptions(prisma(), { tenantId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});

describe('payments', () => {
  it('lists one invoice in attempt order and the tenant newest first, across pages', async () => {
    const { tenantId } = await seedTenant(prisma());
    const customerId = await customerRow(tenantId);
    const invoice = await invoiceRow(tenantId, customerId, { status: 'open', total: 2500n, amountDue: 2500n });
    // Inserted last attempt first, so neither insertion order nor row id explains the result.
    for (const attemptNumber of [3, 2, 1]) {
      await prisma().paymentAttempt.create({
        data: {
          id: newId('pay'),
          tenantId,
          invoiceId: invoice.id,
          attemptNumber,
          idempotencyKey: `invoice:${invoice.id}:attempt:${attemptNumber}`,
          status: attemptNumber === 3 ? 'pending' : 'declined',
          amount: 2500n,
          currency: 'USD',
          createdAt: new Date(T0 + attemptNumber * 86_400_000),
          ...(attemptNumber === 3 ? {} : { failureCode: 'card_declined', declineCode: 'insufficient_funds', completedAt: new Date(T0 + attemptNumber * 86_400_000 + 1_000) }),
        },
      });
    }
    const byInvoice = await listInvoicePayments(prisma(), { tenantId, invoiceId: invoice.id });
    expect(byInvoice.map((payment) => payment.attemptNumber)).toEqual([1, 2, 3]);
    expect(byInvoice[2]).toMatchObject({ status: 'pending', completedAt: null, failureCode: null, gatewayChargeId: null, amount: 2500 });
    expect(byInvoice[0]).toMatchObject({ createdAt: iso(T0 + 86_400_000), completedAt: iso(T0 + 86_401_000), declineCode: 'insufficient_funds' });

    const { pages } = await allPages((page) => listPayments(prisma(), { tenantId, invoiceId: invoice.id, ...page }), 2);
    expect(pages.map((page) => page.map((payment) => payment.attemptNumber))).toEqual([[3, 2], [1]]);
    expect((await listPayments(prisma(), { tenantId, invoiceId: 'inv_elsewhere' })).data).toEqual([]);
  });
});

describe('subscriptions', () => {
  it('gets the persisted record with its items in the order given', async () => {
    const { tenantId } = await seedTenant(prisma());
    const customerId = await customerRow(tenantId);
    const monthly = { unit: 'month', count: 1 } as const;
    const base = await seedPrice(prisma(), { tenantId, currency: 'USD', interval: monthly, definition: { model: 'flat', currency: 'USD', amount: 3000 } });
    const seats = await seedPrice(prisma(), { tenantId, currency: 'USD', interval: monthly, definition: { model: 'per_unit', currency: 'USD', unitAmount: 1000 } });
    const record = await createSubscriptionRecord(prisma(), {
      tenantId,
      customerId,
      startAt: T0,
      trialDays: 14,
      items: [
        { priceId: base.priceId, quantity: 1 },
        { priceId: seats.priceId, quantity: 3 },
      ],
    });
    const trialEnd = Date.UTC(2026, 2, 15, 12);
    const view = await getSubscriptionRecord(prisma(), { tenantId, subscriptionId: record.subscriptionId });
    expect(view).toMatchObject({
      id: record.subscriptionId,
      object: 'subscription',
      status: 'trialing',
      customerId,
      currency: 'USD',
      interval: { unit: 'month', count: 1 },
      billingAnchor: iso(trialEnd),
      currentPeriod: { index: 0, start: iso(T0), end: iso(trialEnd) },
      trialStart: iso(T0),
      trialEnd: iso(trialEnd),
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endedAt: null,
      pausedAt: null,
      metadata: {},
    });
    expect(view.items).toEqual(record.items.map((item) => ({ id: item.itemId, object: 'subscription_item', priceId: item.priceId, quantity: item.quantity })));
    expect(view.items.map((item) => item.quantity)).toEqual([1, 3]);
    expectDocumented(subscriptionViewSchema, view);

    // A subscription the workflow has not placed in a period has no current period.
    await prisma().subscription.update({ where: { id: record.subscriptionId }, data: { currentPeriodStart: null, currentPeriodEnd: null, metadata: { plan: 'team' } } });
    expect(await getSubscriptionRecord(prisma(), { tenantId, subscriptionId: record.subscriptionId })).toMatchObject({ currentPeriod: null, metadata: { plan: 'team' } });

    const other = await seedTenant(prisma());
    await expect(getSubscriptionRecord(prisma(), { tenantId: other.tenantId, subscriptionId: record.subscriptionId })).rejects.toMatchObject({ code: 'subscription_not_found', kind: 'not_found' });
    await expect(getSubscriptionRecord(prisma(), { tenantId, subscriptionId: 'sub_missing' })).rejects.toMatchObject({ code: 'subscription_not_found' });
  });

  it('lists with status, customer and price filters, items included, across pages', async () => {
    const { tenantId } = await seedTenant(prisma());
    const alice = await customerRow(tenantId);
    const bob = await customerRow(tenantId);
    const monthly = { unit: 'month', count: 1 } as const;
    const base = await seedPrice(prisma(), { tenantId, currency: 'USD', interval: monthly, definition: { model: 'flat', currency: 'USD', amount: 3000 } });
    const addon = await seedPrice(prisma(), { tenantId, currency: 'USD', interval: monthly, definition: { model: 'flat', currency: 'USD', amount: 500 } });
    const create = (customerId: string, priceIds: string[]) =>
      createSubscriptionRecord(prisma(), { tenantId, customerId, startAt: T0, trialDays: null, items: priceIds.map((priceId) => ({ priceId, quantity: 1 })) });
    const both = await create(alice, [base.priceId, addon.priceId]);
    const baseOnly = await create(alice, [base.priceId]);
    const bobs = await create(bob, [addon.priceId]);
    await prisma().subscription.update({ where: { id: baseOnly.subscriptionId }, data: { status: 'active' } });
    const ids = async (filters: { status?: 'active' | 'incomplete' | 'canceled'; customerId?: string; priceId?: string }) =>
      (await listSubscriptions(prisma(), { tenantId, ...filters })).data.map((subscription) => subscription.id).sort();

    expect(await ids({})).toEqual([both.subscriptionId, baseOnly.subscriptionId, bobs.subscriptionId].sort());
    expect(await ids({ status: 'active' })).toEqual([baseOnly.subscriptionId]);
    expect(await ids({ status: 'canceled' })).toEqual([]);
    expect(await ids({ customerId: bob })).toEqual([bobs.subscriptionId]);
    expect(await ids({ priceId: addon.priceId })).toEqual([both.subscriptionId, bobs.subscriptionId].sort());
    expect(await ids({ priceId: addon.priceId, customerId: alice, status: 'incomplete' })).toEqual([both.subscriptionId]);

    const listed = (await listSubscriptions(prisma(), { tenantId, customerId: alice, priceId: addon.priceId })).data[0];
    expect(listed?.items.map((item) => item.priceId)).toEqual([base.priceId, addon.priceId]);

    // Same createdAt for all three: pages of 2 still show each exactly once.
    await prisma().subscription.updateMany({ where: { tenantId }, data: { createdAt: new Date(T0) } });
    const { pages } = await allPages((page) => listSubscriptions(prisma(), { tenantId, ...page }), 2);
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(pages.flat().map((subscription) => subscription.id).sort()).toEqual(await ids({}));

    const other = await seedTenant(prisma());
    expect(await listSubscriptions(prisma(), { tenantId: other.tenantId })).toEqual({ data: [], hasMore: false, nextCursor: null });
    expect((await listSubscriptions(prisma(), { tenantId: other.tenantId, priceId: addon.priceId })).data).toEqual([]);
  });
});
