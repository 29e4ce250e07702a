import { newId, randomBase62 } from '../../../ids.js';
import { listOf } from '../list.js';
import type { OperationContext } from '../operation-context.js';
import {
  assertKnownParams,
  type FormParams,
  type ParamSpec,
  readInteger,
  readMetadata,
  readNullableString,
  readObject,
  readString,
} from '../params.js';
import { docUrl, StripeApiError } from '../stripe-error.js';
import type { StripeCustomer, StripeList, StripePaymentMethod } from '../stripe-objects.js';
import { assertPaymentMethodExists, attachToCustomer, resolvePaymentMethod } from './payment-methods.js';

const CUSTOMER_PARAMS: ParamSpec = {
  email: true,
  name: true,
  description: true,
  phone: true,
  metadata: true,
  payment_method: true,
  preferred_locales: true,
  invoice_settings: { default_payment_method: true },
};

/** Stripe's refusal to default to a method the customer does not have. */
function notAttached(paymentMethodId: string): StripeApiError {
  return new StripeApiError(
    400,
    {
      type: 'invalid_request_error',
      code: 'resource_missing',
      doc_url: docUrl('resource_missing'),
      message: `The customer does not have a payment method with the ID ${paymentMethodId}. The payment method must be attached to the customer.`,
      param: 'invoice_settings[default_payment_method]',
    },
    true,
  );
}

function readDefaultPaymentMethod(params: FormParams): string | null | undefined {
  const settings = readObject(params, 'invoice_settings');
  return settings ? readNullableString(settings, 'default_payment_method', 'invoice_settings[default_payment_method]') : undefined;
}

function setDefaultPaymentMethod(ctx: OperationContext, customer: StripeCustomer, paymentMethodId: string | null): void {
  if (paymentMethodId !== null && ctx.state.paymentMethods.get(paymentMethodId)?.object.customer !== customer.id) {
    throw notAttached(paymentMethodId);
  }
  customer.invoice_settings.default_payment_method = paymentMethodId;
}

export function createCustomer(ctx: OperationContext, params: FormParams): StripeCustomer {
  assertKnownParams(params, CUSTOMER_PARAMS);
  const metadata = readMetadata(params) ?? {};
  const paymentMethod = readString(params, 'payment_method');
  const defaultPaymentMethod = readDefaultPaymentMethod(params);
  if (paymentMethod) assertPaymentMethodExists(ctx, paymentMethod, 'payment_method');
  const customer: StripeCustomer = {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.now(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: readNullableString(params, 'description') ?? null,
    email: readNullableString(params, 'email') ?? null,
    invoice_prefix: randomBase62(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata,
    name: readNullableString(params, 'name') ?? null,
    next_invoice_sequence: 1,
    phone: readNullableString(params, 'phone') ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  // Stripe checks the card before the customer exists: a declining card leaves no customer behind.
  const record = paymentMethod ? resolvePaymentMethod(ctx, paymentMethod, 'payment_method') : undefined;
  ctx.state.customers.set(customer.id, customer);
  try {
    if (record) attachToCustomer(ctx, record, customer.id);
    if (defaultPaymentMethod) setDefaultPaymentMethod(ctx, customer, defaultPaymentMethod);
  } catch (error) {
    ctx.state.customers.delete(customer.id);
    throw error;
  }
  ctx.emit('customer.created', customer);
  return customer;
}

export function retrieveCustomer(ctx: OperationContext, id: string): StripeCustomer {
  return ctx.state.customer(id);
}

export function updateCustomer(ctx: OperationContext, id: string, params: FormParams): StripeCustomer {
  assertKnownParams(params, CUSTOMER_PARAMS);
  const customer = ctx.state.customer(id);
  const metadata = readMetadata(params, customer.metadata);
  const defaultPaymentMethod = readDefaultPaymentMethod(params);
  const paymentMethod = readString(params, 'payment_method');
  if (paymentMethod) assertPaymentMethodExists(ctx, paymentMethod, 'payment_method');
  // The default may name the method this same request attaches.
  const attachesDefault = defaultPaymentMethod !== undefined && defaultPaymentMethod === paymentMethod;
  if (defaultPaymentMethod && !attachesDefault && ctx.state.paymentMethods.get(defaultPaymentMethod)?.object.customer !== customer.id) {
    throw notAttached(defaultPaymentMethod);
  }
  const before = structuredClone(customer);
  if (paymentMethod) attachToCustomer(ctx, resolvePaymentMethod(ctx, paymentMethod, 'payment_method'), customer.id);
  if (defaultPaymentMethod !== undefined) setDefaultPaymentMethod(ctx, customer, defaultPaymentMethod);
  if (metadata !== undefined) customer.metadata = metadata;
  const email = readNullableString(params, 'email');
  if (email !== undefined) customer.email = email;
  const name = readNullableString(params, 'name');
  if (name !== undefined) customer.name = name;
  const description = readNullableString(params, 'description');
  if (description !== undefined) customer.description = description;
  const phone = readNullableString(params, 'phone');
  if (phone !== undefined) customer.phone = phone;
  const previous = changedAttributes(before, customer);
  if (Object.keys(previous).length > 0) ctx.emit('customer.updated', customer, previous);
  return customer;
}

/** Stripe's `previous_attributes`: the old value of every top-level field that changed. */
function changedAttributes(before: StripeCustomer, after: StripeCustomer): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(before) as (keyof StripeCustomer)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}

export function listCustomerPaymentMethods(ctx: OperationContext, id: string, params: FormParams): StripeList<StripePaymentMethod> {
  assertKnownParams(params, { type: true, limit: true, starting_after: true, ending_before: true, allow_redisplay: true });
  ctx.state.customer(id, 'customer');
  const methods = [...ctx.state.paymentMethods.values()].map((r) => r.object).filter((pm) => pm.customer === id);
  return listOf(methods, `/v1/customers/${id}/payment_methods`, params, readInteger(params, 'limit'));
}
