import { createActivities } from '../../activities/create-activities.js';
import type { BillingActivities, CreateInvoiceInput, InvoiceLineInput } from '../../activities/index.js';
import { money } from '../../src/domain/index.js';
import { seedCustomer, seedPrice, seedSubscription, seedTenant } from './billing-fixtures.js';
import { startSandbox, type SandboxHarness } from './stripe-sandbox.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A migrated database of the file's own, the Stripe sandbox, and the activities wired to both. */
export interface ActivityHarness {
  db: TestDatabase;
  stripe: SandboxHarness;
  activities: BillingActivities;
  close(): Promise<void>;
}

export const NOW = Date.UTC(2026, 0, 31, 12);

export async function startActivityHarness(): Promise<ActivityHarness> {
  const db = await createTestDatabase();
  const stripe = await startSandbox({ seed: 11 });
  const activities = createActivities({ prisma: db.prisma, gateway: stripe.gateway, now: () => NOW });
  return {
    db,
    stripe,
    activities,
    async close() {
      await stripe.close();
      await db.drop();
    },
  };
}

export interface SeededSubscription {
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  basePriceId: string;
  seatPriceId: string;
}

/** A $30/month base fee plus $10/month per seat, two seats, for a customer with `testPaymentMethod`. */
export async function seedSeatSubscription(
  harness: ActivityHarness,
  options: { testPaymentMethod?: string | null; taxJurisdiction?: string | null; tenantId?: string } = {},
): Promise<SeededSubscription> {
  const { prisma } = harness.db;
  const tenantId = options.tenantId ?? (await seedTenant(prisma)).tenantId;
  const interval = { unit: 'month', count: 1 } as const;
  const base = await seedPrice(prisma, { tenantId, currency: 'USD', interval, definition: { model: 'flat', currency: 'USD', amount: 3000 }, productName: 'Base' });
  const seat = await seedPrice(prisma, { tenantId, currency: 'USD', interval, definition: { model: 'per_unit', currency: 'USD', unitAmount: 1000 }, productName: 'Seat' });
  const customer = await seedCustomer(prisma, harness.stripe.gateway, {
    tenantId,
    currency: 'USD',
    ...(options.testPaymentMethod === undefined ? {} : { testPaymentMethod: options.testPaymentMethod }),
    taxJurisdiction: options.taxJurisdiction ?? null,
  });
  const subscription = await seedSubscription(prisma, {
    tenantId,
    customerId: customer.customerId,
    items: [
      { priceId: base.priceId, quantity: 1 },
      { priceId: seat.priceId, quantity: 2 },
    ],
    startAt: NOW,
    trialDays: null,
  });
  return { tenantId, customerId: customer.customerId, subscriptionId: subscription.subscriptionId, basePriceId: base.priceId, seatPriceId: seat.priceId };
}

export function line(priceId: string | null, amount: number, overrides: Partial<InvoiceLineInput> = {}): InvoiceLineInput {
  return {
    kind: 'recurring',
    description: priceId === null ? 'Adjustment' : `Price ${priceId}`,
    priceId,
    quantity: 1,
    unitAmountDecimal: String(amount),
    amount: money(amount, 'USD'),
    periodStart: NOW,
    periodEnd: Date.UTC(2026, 1, 28, 12),
    discountable: true,
    ...overrides,
  };
}

/** The period's recurring invoice for the seat subscription: $30 base + 2 × $10 seats = $50. */
export function recurringInvoice(seeded: SeededSubscription, periodIndex = 0, overrides: Partial<CreateInvoiceInput> = {}): CreateInvoiceInput {
  return {
    tenantId: seeded.tenantId,
    customerId: seeded.customerId,
    subscriptionId: seeded.subscriptionId,
    sourceKey: `${seeded.subscriptionId}:period:${periodIndex}:recurring`,
    kind: 'recurring',
    currency: 'USD',
    periodIndex,
    periodStart: NOW,
    periodEnd: Date.UTC(2026, 1, 28, 12),
    lines: [line(seeded.basePriceId, 3000), line(seeded.seatPriceId, 2000, { quantity: 2, unitAmountDecimal: '1000' })],
    ...overrides,
  };
}
