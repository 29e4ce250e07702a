import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCustomer } from '../../../src/billing/customers/update-customer.js';
import { createSubscriptionRecord } from '../../../src/billing/subscriptions/create-subscription-record.js';
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

describe("a customer's billing currency", () => {
  it('cannot change under a subscription being created at the same moment: exactly one of the two wins', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', interval: { unit: 'month', count: 1 }, definition: { model: 'flat', currency: 'USD', amount: 1000 } });
    for (let round = 0; round < 12; round++) {
      const { customerId } = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD', testPaymentMethod: null });
      const [subscribed, currencyChanged] = await Promise.allSettled([
        createSubscriptionRecord(db.prisma, { tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: Date.UTC(2031, 0, 1) }),
        updateCustomer(db.prisma, stripe.gateway, { tenantId, customerId, currency: 'EUR' }),
      ]);
      const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: customerId } });
      const subscriptions = await db.prisma.subscription.findMany({ where: { customerId } });
      // Never both: a USD subscription on a EUR customer would bill in a currency it no longer has.
      expect([subscribed.status, currencyChanged.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
      if (subscribed.status === 'fulfilled') {
        expect([customer.currency, subscriptions.length]).toEqual(['USD', 1]);
        expect(currencyChanged).toMatchObject({ status: 'rejected', reason: { code: 'customer_currency_locked' } });
      } else {
        expect([customer.currency, subscriptions.length]).toEqual(['EUR', 0]);
        expect(subscribed).toMatchObject({ status: 'rejected', reason: { code: 'currency_mismatch' } });
      }
    }
  });
});
