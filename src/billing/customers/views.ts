import { z } from 'zod';
import type { Customer, PaymentMethod } from '../../generated/prisma/client.js';
import { instant, metadataOf } from '../view-fields.js';

/**
 * What the API returns for customers and their payment methods. The interfaces are what code
 * builds; the schemas (same shape, checked in test/integration/billing/read-operations.test.ts)
 * document the responses in OpenAPI, with `.meta({ id })` naming the component. Instants are
 * ISO-8601, absent values null: all plain JSON.
 */

const cardFields = {
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  expMonth: z.int().nullable(),
  expYear: z.int().nullable(),
};

interface CardFields {
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

export const defaultPaymentMethodViewSchema = z
  .object({ id: z.string(), ...cardFields })
  .meta({ id: 'DefaultPaymentMethod' });

export interface DefaultPaymentMethodView extends CardFields {
  id: string;
}

export const customerViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('customer'),
    externalId: z.string().nullable().describe("The application's own id for the customer, unique per tenant"),
    email: z.string().nullable(),
    name: z.string().nullable(),
    currency: z.string().nullable().describe('ISO 4217; null until set or fixed by the first subscription'),
    taxJurisdiction: z.string().nullable(),
    gatewayCustomerId: z.string().nullable().describe("The customer's id at the payment gateway (Stripe cus_…)"),
    defaultPaymentMethod: defaultPaymentMethodViewSchema.nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Customer' });

export interface CustomerView {
  id: string;
  object: 'customer';
  externalId: string | null;
  email: string | null;
  name: string | null;
  currency: string | null;
  taxJurisdiction: string | null;
  gatewayCustomerId: string | null;
  /** null when none was saved or the saved one was detached (invoices cannot be charged). */
  defaultPaymentMethod: DefaultPaymentMethodView | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export const paymentMethodViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_method'),
    customerId: z.string(),
    gatewayPaymentMethodId: z.string(),
    ...cardFields,
    isDefault: z.boolean().describe("Whether invoices are charged to it (the customer's default)"),
    createdAt: instant,
  })
  .meta({ id: 'PaymentMethod' });

export interface PaymentMethodView extends CardFields {
  id: string;
  object: 'payment_method';
  customerId: string;
  gatewayPaymentMethodId: string;
  isDefault: boolean;
  createdAt: string;
}

export const paymentMethodSetupViewSchema = z
  .object({
    object: z.literal('payment_method_setup'),
    customerId: z.string(),
    setupId: z.string().describe("The gateway's setup id (Stripe SetupIntent seti_…)"),
    clientSecret: z.string().describe("For the customer's browser or app to confirm the setup (Stripe.js confirmSetup)"),
  })
  .meta({ id: 'PaymentMethodSetup' });

export interface PaymentMethodSetupView {
  object: 'payment_method_setup';
  customerId: string;
  setupId: string;
  clientSecret: string;
}

function cardOf(method: PaymentMethod): CardFields {
  return { brand: method.brand, last4: method.last4, expMonth: method.expMonth, expYear: method.expYear };
}

/** The include that loads what the customer view shows about its default payment method. */
export const withDefaultPaymentMethod = { defaultPaymentMethod: true } as const;

export function toCustomerView(customer: Customer & { defaultPaymentMethod: PaymentMethod | null }): CustomerView {
  const method = customer.defaultPaymentMethod;
  // A detached default is no default: charge-invoice and has-payment-method read it the same way.
  const usable = method !== null && method.detachedAt === null ? method : null;
  return {
    id: customer.id,
    object: 'customer',
    externalId: customer.externalId,
    email: customer.email,
    name: customer.name,
    currency: customer.currency === null ? null : customer.currency.toUpperCase(),
    taxJurisdiction: customer.taxJurisdiction,
    gatewayCustomerId: customer.gatewayCustomerId,
    defaultPaymentMethod: usable === null ? null : { id: usable.id, ...cardOf(usable) },
    metadata: metadataOf(customer.metadata),
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}

export function toPaymentMethodView(method: PaymentMethod, defaultPaymentMethodId: string | null): PaymentMethodView {
  return {
    id: method.id,
    object: 'payment_method',
    customerId: method.customerId,
    gatewayPaymentMethodId: method.gatewayPaymentMethodId,
    ...cardOf(method),
    isDefault: method.id === defaultPaymentMethodId,
    createdAt: method.createdAt.toISOString(),
  };
}
