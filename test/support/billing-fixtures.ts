import type { PrismaClient } from '../../src/db/prisma-client.js';
import { createPrice } from '../../src/billing/catalog/create-price.js';
import { createProduct } from '../../src/billing/catalog/create-product.js';
import { createCustomer } from '../../src/billing/customers/create-customer.js';
import { setDefaultPaymentMethod } from '../../src/billing/customers/set-default-payment-method.js';
import { createSubscriptionRecord } from '../../src/billing/subscriptions/create-subscription-record.js';
import type { CreateSubscriptionRecordInput, CreatedSubscriptionRecord } from '../../src/billing/subscriptions/create-subscription-record.js';
import type { BillingInterval, PriceDefinition } from '../../src/domain/index.js';
import { newId, randomBase62 } from '../../src/ids.js';
import type { PaymentGateway } from '../../src/payments/gateway.js';

/**
 * Seeds billing data through the real operations (so seeded rows are exactly what the API would
 * create), for activity, workflow and simulator tests.
 */
export async function seedTenant(prisma: PrismaClient, name = 'Test Tenant'): Promise<{ tenantId: string }> {
  const tenant = await prisma.tenant.create({ data: { id: newId('ten'), name, slug: `t-${randomBase62(12).toLowerCase()}` } });
  return { tenantId: tenant.id };
}

export interface SeededCustomer {
  customerId: string;
  gatewayCustomerId: string;
  /** Our PaymentMethod row id, when a card was saved. */
  paymentMethodId: string | null;
}

/** A customer at our side and the gateway's; with `testPaymentMethod` (default pm_card_visa) as default card, none for null. */
export async function seedCustomer(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: { tenantId: string; currency: string; testPaymentMethod?: string | null; taxJurisdiction?: string | null; email?: string },
): Promise<SeededCustomer> {
  const customer = await createCustomer(prisma, gateway, {
    tenantId: input.tenantId,
    currency: input.currency,
    email: input.email ?? `customer-${randomBase62(8).toLowerCase()}@example.com`,
    taxJurisdiction: input.taxJurisdiction ?? null,
  });
  const testPaymentMethod = input.testPaymentMethod === undefined ? 'pm_card_visa' : input.testPaymentMethod;
  const method =
    testPaymentMethod === null
      ? null
      : await setDefaultPaymentMethod(prisma, gateway, { tenantId: input.tenantId, customerId: customer.customerId, gatewayPaymentMethodId: testPaymentMethod });
  return { customerId: customer.customerId, gatewayCustomerId: customer.gatewayCustomerId, paymentMethodId: method?.paymentMethodId ?? null };
}

/** A product and one price on it. */
export async function seedPrice(
  prisma: PrismaClient,
  input: { tenantId: string; currency: string; definition: PriceDefinition; interval: BillingInterval; trialDays?: number | null; productName?: string; usageType?: 'licensed' | 'metered'; meterId?: string },
): Promise<{ priceId: string; productId: string }> {
  const product = await createProduct(prisma, { tenantId: input.tenantId, name: input.productName ?? 'Plan' });
  const price = await createPrice(prisma, {
    tenantId: input.tenantId,
    productId: product.productId,
    currency: input.currency,
    definition: input.definition,
    interval: input.interval,
    trialDays: input.trialDays ?? null,
    ...(input.usageType === undefined ? {} : { usageType: input.usageType }),
    ...(input.meterId === undefined ? {} : { meterId: input.meterId }),
  });
  return { priceId: price.priceId, productId: product.productId };
}

export function seedSubscription(prisma: PrismaClient, input: CreateSubscriptionRecordInput): Promise<CreatedSubscriptionRecord> {
  return createSubscriptionRecord(prisma, input);
}
