import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersistSubscriptionStateInput } from '../../../../activities/index.js';
import { saveDunningPolicy } from '../../../../src/billing/dunning/save-dunning-policy.js';
import { DEFAULT_DUNNING_POLICY, money } from '../../../../src/domain/index.js';
import { seedPrice } from '../../../support/billing-fixtures.js';
import { NOW, seedSeatSubscription, startActivityHarness, type ActivityHarness, type SeededSubscription } from '../../../support/activity-harness.js';

let harness: ActivityHarness;
beforeAll(async () => {
  harness = await startActivityHarness();
});
afterAll(async () => {
  await harness.close();
});

function stateWrite(seeded: SeededSubscription, stateVersion: number, overrides: Partial<PersistSubscriptionStateInput> = {}): PersistSubscriptionStateInput {
  return {
    tenantId: seeded.tenantId,
    subscriptionId: seeded.subscriptionId,
    stateVersion,
    state: {
      status: 'active',
      billingAnchor: NOW,
      interval: { unit: 'month', count: 1 },
      currentPeriodIndex: 1,
      currentPeriodStart: Date.UTC(2026, 1, 28, 12),
      currentPeriodEnd: Date.UTC(2026, 2, 31, 12),
      trialEnd: null,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      endedAt: null,
      pausedAt: null,
      pendingChange: null,
    },
    items: [
      { priceId: seeded.basePriceId, quantity: 1 },
      { priceId: seeded.seatPriceId, quantity: 5 },
    ],
    events: [{ type: 'subscription.updated', dedupeKey: `sub:${seeded.subscriptionId}:v${stateVersion}`, payload: { stateVersion } }],
    audit: { action: 'subscription.renewed', details: { periodIndex: 1 } },
    ...overrides,
  };
}

describe('persistSubscriptionState', () => {
  it('writes the row, items, event and audit once; ignores an older or equal version', async () => {
    const seeded = await seedSeatSubscription(harness);
    const { prisma } = harness.db;
    const before = await prisma.subscriptionItem.findFirstOrThrow({ where: { subscriptionId: seeded.subscriptionId, priceId: seeded.basePriceId } });
    await harness.activities.persistSubscriptionState(stateWrite(seeded, 2));
    await harness.activities.persistSubscriptionState(stateWrite(seeded, 2));
    await harness.activities.persistSubscriptionState(stateWrite(seeded, 1, { state: { ...stateWrite(seeded, 1).state, status: 'canceled' }, items: [{ priceId: seeded.basePriceId, quantity: 9 }] }));
    const row = await prisma.subscription.findUniqueOrThrow({ where: { id: seeded.subscriptionId }, include: { items: true } });
    expect(row).toMatchObject({ status: 'active', stateVersion: 2, currentPeriodIndex: 1 });
    expect(row.currentPeriodEnd?.getTime()).toBe(Date.UTC(2026, 2, 31, 12));
    expect(row.items.map((item) => [item.priceId, item.quantity]).sort()).toEqual(
      [
        [seeded.basePriceId, 1],
        [seeded.seatPriceId, 5],
      ].sort(),
    );
    // The base item kept its row (invoice lines point at it).
    expect(row.items.find((item) => item.priceId === seeded.basePriceId)?.id).toBe(before.id);
    expect(await prisma.outboxEvent.count({ where: { aggregateId: seeded.subscriptionId, type: 'subscription.updated' } })).toBe(1);
    const audit = await prisma.auditLogEntry.findMany({ where: { resourceId: seeded.subscriptionId } });
    expect(audit.map((entry) => [entry.actor, entry.action])).toEqual([[`workflow:subscription:${seeded.subscriptionId}`, 'subscription.renewed']]);
  });

  it('replaces items: new prices get rows, removed ones go', async () => {
    const seeded = await seedSeatSubscription(harness);
    const pro = await seedPrice(harness.db.prisma, { tenantId: seeded.tenantId, currency: 'USD', interval: { unit: 'month', count: 1 }, definition: { model: 'flat', currency: 'USD', amount: 9900 } });
    await harness.activities.persistSubscriptionState(stateWrite(seeded, 1, { items: [{ priceId: pro.priceId, quantity: 1 }], audit: null, events: [] }));
    const items = await harness.db.prisma.subscriptionItem.findMany({ where: { subscriptionId: seeded.subscriptionId } });
    expect(items.map((item) => item.priceId)).toEqual([pro.priceId]);
    expect(items[0]?.tenantId).toBe(seeded.tenantId);
  });

  it("refuses another tenant's price and subscription", async () => {
    const seeded = await seedSeatSubscription(harness);
    const other = await seedSeatSubscription(harness);
    await expect(harness.activities.persistSubscriptionState(stateWrite(seeded, 1, { items: [{ priceId: other.basePriceId, quantity: 1 }] }))).rejects.toMatchObject({ type: 'price_not_found' });
    await expect(harness.activities.persistSubscriptionState({ ...stateWrite(seeded, 1), tenantId: other.tenantId })).rejects.toMatchObject({ type: 'subscription_not_found' });
  });
});

describe('reads', () => {
  it('loadSubscription returns the snapshot with its items and prices', async () => {
    const seeded = await seedSeatSubscription(harness);
    const snapshot = await harness.activities.loadSubscription({ tenantId: seeded.tenantId, subscriptionId: seeded.subscriptionId });
    expect(snapshot).toMatchObject({ status: 'incomplete', currency: 'USD', billingAnchor: NOW, interval: { unit: 'month', count: 1 }, stateVersion: 0, trialEnd: null });
    expect(snapshot.items.map((item) => [item.priceId, item.quantity, item.price.definition.model])).toEqual([
      [seeded.basePriceId, 1, 'flat'],
      [seeded.seatPriceId, 2, 'per_unit'],
    ]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('loadPrices fails loudly on a missing, foreign or corrupt price', async () => {
    const seeded = await seedSeatSubscription(harness);
    const other = await seedSeatSubscription(harness);
    expect((await harness.activities.loadPrices({ tenantId: seeded.tenantId, priceIds: [seeded.seatPriceId] }))[0]?.definition).toEqual({ model: 'per_unit', currency: 'USD', unitAmount: 1000 });
    await expect(harness.activities.loadPrices({ tenantId: seeded.tenantId, priceIds: [other.seatPriceId] })).rejects.toMatchObject({ type: 'price_not_found', nonRetryable: true });
    await harness.db.prisma.price.update({ where: { id: seeded.basePriceId }, data: { definition: { model: 'flat', currency: 'USD', amount: 'lots' } } });
    await expect(harness.activities.loadPrices({ tenantId: seeded.tenantId, priceIds: [seeded.basePriceId] })).rejects.toMatchObject({ type: 'invalid_price_definition' });
  });

  it('loadBillingPolicy returns the default, then the saved policy', async () => {
    const seeded = await seedSeatSubscription(harness);
    expect(await harness.activities.loadBillingPolicy({ tenantId: seeded.tenantId })).toEqual({ dunning: { ...DEFAULT_DUNNING_POLICY }, trialEndWithoutPaymentMethod: 'create_invoice', usageGracePeriodMs: 3_600_000 });
    await saveDunningPolicy(harness.db.prisma, { tenantId: seeded.tenantId, retryOffsetsDays: [2, 4], finalAction: 'mark_unpaid', hardDeclineCodes: ['stolen_card'], trialEndWithoutPaymentMethod: 'pause' });
    expect(await harness.activities.loadBillingPolicy({ tenantId: seeded.tenantId })).toEqual({
      dunning: { retryOffsetsDays: [2, 4], hardDeclineCodes: ['stolen_card'], finalAction: 'mark_unpaid', invoiceFinalState: 'uncollectible' },
      trialEndWithoutPaymentMethod: 'pause',
      usageGracePeriodMs: 3_600_000,
    });
  });

  it('hasPaymentMethod follows the default card', async () => {
    const withCard = await seedSeatSubscription(harness);
    const without = await seedSeatSubscription(harness, { testPaymentMethod: null });
    expect(await harness.activities.hasPaymentMethod({ tenantId: withCard.tenantId, customerId: withCard.customerId })).toBe(true);
    expect(await harness.activities.hasPaymentMethod({ tenantId: without.tenantId, customerId: without.customerId })).toBe(false);
    await expect(harness.activities.hasPaymentMethod({ tenantId: without.tenantId, customerId: withCard.customerId })).rejects.toMatchObject({ type: 'customer_not_found' });
  });
});

describe('creditCustomer', () => {
  it('adds one entry per source key and returns the balance', async () => {
    const seeded = await seedSeatSubscription(harness);
    const input = { tenantId: seeded.tenantId, customerId: seeded.customerId, amount: money(1234, 'USD'), reason: 'prorated_cancellation', sourceKey: `${seeded.subscriptionId}:cancel`, invoiceId: null };
    expect(await harness.activities.creditCustomer(input)).toEqual({ balance: money(1234, 'USD') });
    expect(await harness.activities.creditCustomer(input)).toEqual({ balance: money(1234, 'USD') });
    // a second source adds: 1234 + 100 = 1334
    expect(await harness.activities.creditCustomer({ ...input, amount: money(100, 'USD'), sourceKey: 'other' })).toEqual({ balance: money(1334, 'USD') });
    expect(await harness.db.prisma.creditBalanceTransaction.count({ where: { customerId: seeded.customerId } })).toBe(2);
    await expect(harness.activities.creditCustomer({ ...input, amount: money(-5, 'USD'), sourceKey: 'neg' })).rejects.toMatchObject({ type: 'invalid_amount', nonRetryable: true });
  });
});
