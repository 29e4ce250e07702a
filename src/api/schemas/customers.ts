import { z } from '@hono/zod-openapi';
import { currencyCode as currency, metadata, resourceId, shortText as text } from './common.js';

const email = z.email().max(320);
const jurisdiction = z.string().trim().min(1).max(64).openapi({ description: 'Tax jurisdiction code matched against tax rates, e.g. US-CA' });

export const createCustomerBody = z
  .strictObject({
    currency: currency.openapi({ description: 'The currency the customer is billed in' }),
    email: email.nullable().optional(),
    name: text.nullable().optional(),
    taxJurisdiction: jurisdiction.nullable().optional(),
    externalId: text.nullable().optional().openapi({ description: 'Your id for the customer; unique per tenant' }),
    metadata: metadata.optional(),
  })
  .openapi('CreateCustomer');

export const updateCustomerBody = z
  .strictObject({
    currency: currency.optional().openapi({ description: 'Only while the customer has no subscription or invoice' }),
    email: email.nullable().optional(),
    name: text.nullable().optional(),
    taxJurisdiction: jurisdiction.nullable().optional(),
    externalId: text.nullable().optional(),
    metadata: metadata.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'Give at least one field to change' })
  .openapi('UpdateCustomer');

export const listCustomersQuery = z.strictObject({
  email: email.optional(),
  externalId: text.optional(),
});

export const setDefaultPaymentMethodBody = z
  .strictObject({
    paymentMethodId: resourceId.openapi({ description: "The gateway's payment method id (Stripe pm_…), confirmed by the customer" }),
  })
  .openapi('SetDefaultPaymentMethod');

export const adjustCreditBody = z
  .strictObject({
    amount: z.int().min(-1_000_000_000_000).max(1_000_000_000_000).refine((value) => value !== 0, { message: 'must not be zero' }).openapi({ description: 'Minor units; positive adds credit, negative removes it' }),
    currency,
    reason: z.string().trim().min(1).max(500).openapi({ description: 'Why, for the ledger (shown to operators and auditors)' }),
  })
  .openapi('AdjustCreditBalance');

export const applyCouponBody = z
  .strictObject({
    couponId: resourceId.optional(),
    code: z.string().trim().min(1).max(100).optional(),
  })
  .refine((body) => (body.couponId === undefined) !== (body.code === undefined), { message: 'Give exactly one of couponId and code', path: ['couponId'] })
  .openapi('ApplyCoupon');
