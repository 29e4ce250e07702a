import { createRoute, z } from '@hono/zod-openapi';
import { createCustomer } from '../../billing/customers/create-customer.js';
import { getCustomer } from '../../billing/customers/get-customer.js';
import { listCustomers } from '../../billing/customers/list-customers.js';
import { listPaymentMethods } from '../../billing/customers/list-payment-methods.js';
import { setDefaultPaymentMethod } from '../../billing/customers/set-default-payment-method.js';
import { startPaymentMethodSetup } from '../../billing/customers/start-payment-method-setup.js';
import { updateCustomer } from '../../billing/customers/update-customer.js';
import { customerViewSchema, paymentMethodSetupViewSchema, paymentMethodViewSchema } from '../../billing/customers/views.js';
import { derivedId } from '../../ids.js';
import { notifyPaymentMethodUpdated } from '../../billing/subscriptions/notify-payment-method-updated.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { createCustomerBody, listCustomersQuery, setDefaultPaymentMethodBody, updateCustomerBody } from '../schemas/customers.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['customers'];
const customerParams = pathParams('customerId');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/customers',
    tags,
    summary: 'Create a customer (and its gateway customer)',
    request: { headers: idempotencyHeaders, body: jsonBody(createCustomerBody) },
    responses: { 201: ok(customerViewSchema, 'Created'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/customers',
    tags,
    summary: 'List customers, newest first',
    request: { query: listCustomersQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(customerViewSchema, 'CustomerList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}',
    tags,
    summary: 'A customer',
    request: { params: customerParams },
    responses: { 200: ok(customerViewSchema, 'The customer'), ...commonErrors },
  }),
  update: createRoute({
    method: 'post',
    path: '/v1/customers/{customerId}',
    tags,
    summary: 'Update a customer (only the fields given)',
    request: { params: customerParams, headers: idempotencyHeaders, body: jsonBody(updateCustomerBody) },
    responses: { 200: ok(customerViewSchema, 'The customer after the update'), ...commonErrors },
  }),
  setup: createRoute({
    method: 'post',
    path: '/v1/customers/{customerId}/payment-method-setups',
    tags,
    summary: "Start collecting a payment method: a client secret for the customer's browser (Stripe SetupIntent)",
    request: { params: customerParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 201: ok(paymentMethodSetupViewSchema, 'The setup and its client secret'), ...commonErrors },
  }),
  paymentMethods: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/payment-methods',
    tags,
    summary: "The customer's saved payment methods; `isDefault` marks the one invoices are charged to",
    request: { params: customerParams, query: z.strictObject(pageQueryShape) },
    responses: { 200: ok(pageSchema(paymentMethodViewSchema, 'PaymentMethodList'), 'One page'), ...commonErrors },
  }),
  setDefault: createRoute({
    method: 'post',
    path: '/v1/customers/{customerId}/default-payment-method',
    tags,
    summary: 'Make a confirmed payment method the default; past-due invoices are retried at once',
    request: { params: customerParams, headers: idempotencyHeaders, body: jsonBody(setDefaultPaymentMethodBody) },
    responses: { 200: ok(customerViewSchema, 'The customer with its new default'), ...commonErrors },
  }),
};

export function customerRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();

  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const key = c.get('idempotencyScope');
    const created = await createCustomer(deps.prisma, deps.gateway, {
      tenantId,
      ...c.req.valid('json'),
      ...(key === undefined ? {} : { id: derivedId('cust', tenantId, key) }),
    });
    return c.json(await getCustomer(deps.prisma, { tenantId, customerId: created.customerId }), 201);
  });

  app.openapi(routes.list, async (c) => {
    return c.json(listEnvelope(await listCustomers(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200);
  });

  app.openapi(routes.get, async (c) => {
    return c.json(await getCustomer(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId }), 200);
  });

  app.openapi(routes.update, async (c) => {
    const customer = await updateCustomer(deps.prisma, deps.gateway, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, ...c.req.valid('json') });
    return c.json(customer, 200);
  });

  app.openapi(routes.setup, async (c) => {
    const key = c.get('idempotencyScope');
    const setup = await startPaymentMethodSetup(deps.prisma, deps.gateway, {
      tenantId: c.get('principal').tenantId,
      customerId: c.req.valid('param').customerId,
      ...(key === undefined ? {} : { setupKey: derivedId('setup', key) }),
    });
    return c.json(setup, 201);
  });

  app.openapi(routes.paymentMethods, async (c) => {
    const page = await listPaymentMethods(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, ...c.req.valid('query') });
    return c.json(listEnvelope(page), 200);
  });

  app.openapi(routes.setDefault, async (c) => {
    const { tenantId } = c.get('principal');
    const { customerId } = c.req.valid('param');
    // setDefaultPaymentMethod finds the customer within this tenant before anything reaches the gateway.
    const method = await setDefaultPaymentMethod(deps.prisma, deps.gateway, { tenantId, customerId, gatewayPaymentMethodId: c.req.valid('json').paymentMethodId });
    await notifyPaymentMethodUpdated(deps, { tenantId, customerId, paymentMethodId: method.gatewayPaymentMethodId });
    return c.json(await getCustomer(deps.prisma, { tenantId, customerId }), 200);
  });

  return app;
}
