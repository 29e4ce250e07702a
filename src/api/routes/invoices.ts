import { createRoute, z } from '@hono/zod-openapi';
import { getInvoice } from '../../billing/invoices/get-invoice.js';
import { getInvoiceDocument } from '../../billing/invoices/get-invoice-document.js';
import { issueOneOffInvoice } from '../../billing/invoices/issue-one-off-invoice.js';
import { listInvoices } from '../../billing/invoices/list-invoices.js';
import { renderInvoicePdf } from '../../billing/invoices/render-invoice-pdf.js';
import { invoiceListItemViewSchema, invoiceViewSchema } from '../../billing/invoices/views.js';
import { listInvoicePayments, listPayments } from '../../billing/payments/list-payments.js';
import { paymentViewSchema } from '../../billing/payments/views.js';
import { paySubscriptionInvoice } from '../../billing/subscriptions/pay-subscription-invoice.js';
import { voidSubscriptionInvoice } from '../../billing/subscriptions/void-subscription-invoice.js';
import { derivedId, newId } from '../../ids.js';
import { commandDependencies, type BillingApiDependencies } from '../dependencies.js';
import { resourceId } from '../schemas/common.js';
import { invoiceItemBody, invoiceItemFromBody } from '../schemas/invoice-items.js';
import { billingRouter, commonErrors, completeList, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['invoices'];
const invoiceParams = pathParams('invoiceId');

const listInvoicesQuery = z.strictObject({
  status: z.enum(['draft', 'open', 'paid', 'void', 'uncollectible']).optional(),
  customerId: resourceId.optional(),
  subscriptionId: resourceId.optional(),
  ...pageQueryShape,
});

const payResultSchema = z
  .object({
    outcome: z.string().openapi({ description: 'succeeded, declined, requires_action, no_payment_method, rejected (the gateway refused the charge itself), already_paid or not_collectible' }),
    declineCode: z.string().nullable(),
    invoice: invoiceViewSchema,
  })
  .openapi('PayInvoiceResult');

const createOneOffInvoiceBody = z
  .strictObject({
    customerId: resourceId,
    items: z.array(invoiceItemBody).min(1).max(100).openapi({ description: 'Its lines: each an amount per unit or a catalog price, × quantity' }),
  })
  .openapi('CreateOneOffInvoice');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/invoices',
    tags,
    summary: "A one-off invoice outside any subscription: issued at once (the customer's discounts, tax and credit apply) and collected by its own workflow with the tenant's dunning policy",
    request: { headers: idempotencyHeaders, body: jsonBody(createOneOffInvoiceBody) },
    responses: { 201: ok(invoiceViewSchema, 'The finalized invoice; its first charge follows at once'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/invoices',
    tags,
    summary: 'List invoices, newest first (without lines)',
    request: { query: listInvoicesQuery },
    responses: { 200: ok(pageSchema(invoiceListItemViewSchema, 'InvoiceList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/invoices/{invoiceId}',
    tags,
    summary: 'An invoice with its lines and totals',
    request: { params: invoiceParams },
    responses: { 200: ok(invoiceViewSchema, 'The invoice'), ...commonErrors },
  }),
  pdf: createRoute({
    method: 'get',
    path: '/v1/invoices/{invoiceId}/pdf',
    tags,
    summary: "The invoice as a PDF to send: the tenant's issuer details, the customer, every line, the totals, where payment stands and its credit notes",
    request: { params: invoiceParams },
    responses: {
      200: {
        description: 'The PDF, shown inline, named after the invoice number (a draft: its id)',
        headers: z.object({ 'content-disposition': z.string().openapi({ example: 'inline; filename="INV-000001.pdf"' }) }),
        content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...commonErrors,
    },
  }),
  pay: createRoute({
    method: 'post',
    path: '/v1/invoices/{invoiceId}/pay',
    tags,
    summary: 'Pay now: charge an invoice in collection at once, instead of waiting for the next retry',
    request: { params: invoiceParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(payResultSchema, 'The charge outcome and the invoice after it'), ...commonErrors },
  }),
  void: createRoute({
    method: 'post',
    path: '/v1/invoices/{invoiceId}/void',
    tags,
    summary: 'Void an open invoice: collection stops, nothing is owed for it',
    request: { params: invoiceParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(invoiceViewSchema, 'The voided invoice'), ...commonErrors },
  }),
  payments: createRoute({
    method: 'get',
    path: '/v1/invoices/{invoiceId}/payments',
    tags: ['payments'],
    summary: 'Payment attempts of an invoice, in attempt order',
    request: { params: invoiceParams },
    responses: { 200: ok(pageSchema(paymentViewSchema, 'InvoicePaymentList'), 'Every attempt'), ...commonErrors },
  }),
  allPayments: createRoute({
    method: 'get',
    path: '/v1/payments',
    tags: ['payments'],
    summary: 'Payment attempts of the tenant, newest first',
    request: { query: z.strictObject({ invoiceId: resourceId.optional(), ...pageQueryShape }) },
    responses: { 200: ok(pageSchema(paymentViewSchema, 'PaymentList'), 'One page'), ...commonErrors },
  }),
};

/**
 * Invoices are read from Postgres; paying and voiding go through the workflow that collects the
 * invoice — its subscription's, or a one-off invoice's own — since a charge or void beside it
 * would race its dunning timers.
 */
export function invoiceRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();

  const commands = commandDependencies(deps);

  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const body = c.req.valid('json');
    const invoice = await issueOneOffInvoice(commands, {
      tenantId,
      customerId: body.customerId,
      items: body.items.map(invoiceItemFromBody),
      ...(scope === undefined ? {} : { id: derivedId('inv', tenantId, scope) }),
    });
    return c.json(invoice, 201);
  });

  app.openapi(routes.list, async (c) => {
    return c.json(listEnvelope(await listInvoices(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200);
  });

  app.openapi(routes.get, async (c) => {
    return c.json(await getInvoice(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceId: c.req.valid('param').invoiceId }), 200);
  });

  app.openapi(routes.pdf, async (c) => {
    const document = await getInvoiceDocument(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceId: c.req.valid('param').invoiceId });
    const pdf = await renderInvoicePdf(document);
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="${document.invoice.number ?? document.invoice.id}.pdf"`,
    });
  });

  app.openapi(routes.pay, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    // The workflow service deduplicates by update id: a retried "pay now" under one key charges once.
    const attemptKey = scope === undefined ? newId('pay') : derivedId('pay', tenantId, scope);
    return c.json(await paySubscriptionInvoice(commands, { tenantId, invoiceId: c.req.valid('param').invoiceId, attemptKey }), 200);
  });

  app.openapi(routes.void, async (c) => {
    return c.json(await voidSubscriptionInvoice(commands, { tenantId: c.get('principal').tenantId, invoiceId: c.req.valid('param').invoiceId }), 200);
  });

  app.openapi(routes.payments, async (c) => {
    const data = await listInvoicePayments(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceId: c.req.valid('param').invoiceId });
    return c.json(completeList(data), 200);
  });

  app.openapi(routes.allPayments, async (c) => {
    return c.json(listEnvelope(await listPayments(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200);
  });

  return app;
}
