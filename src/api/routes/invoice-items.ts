import { createRoute } from '@hono/zod-openapi';
import { createInvoiceItem } from '../../billing/invoice-items/create-invoice-item.js';
import { deleteInvoiceItem } from '../../billing/invoice-items/delete-invoice-item.js';
import { listInvoiceItems } from '../../billing/invoice-items/list-invoice-items.js';
import { invoiceItemViewSchema } from '../../billing/invoice-items/views.js';
import { derivedId } from '../../ids.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { invoiceItemBody, invoiceItemFromBody, listInvoiceItemsQuery } from '../schemas/invoice-items.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['invoice items'];

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/customers/{customerId}/invoice-items',
    tags,
    summary: "Add a one-off charge to the customer's next subscription invoice",
    request: { params: pathParams('customerId'), headers: idempotencyHeaders, body: jsonBody(invoiceItemBody) },
    responses: { 201: ok(invoiceItemViewSchema, 'The pending item'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/invoice-items',
    tags,
    summary: "The customer's invoice items, newest first",
    request: { params: pathParams('customerId'), query: listInvoiceItemsQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(invoiceItemViewSchema, 'InvoiceItemList'), 'One page'), ...commonErrors },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/v1/invoice-items/{invoiceItemId}',
    tags,
    summary: 'Withdraw a pending item (one already invoiced is credited with a credit note)',
    request: { params: pathParams('invoiceItemId') },
    responses: { 200: ok(invoiceItemViewSchema, 'The withdrawn item'), ...commonErrors },
  }),
};

export function invoiceItemRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const item = await createInvoiceItem(deps.prisma, {
      tenantId,
      customerId: c.req.valid('param').customerId,
      item: invoiceItemFromBody(c.req.valid('json')),
      ...(scope === undefined ? {} : { id: derivedId('ii', tenantId, scope) }),
    });
    return c.json(item, 201);
  });
  app.openapi(routes.list, async (c) =>
    c.json(listEnvelope(await listInvoiceItems(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, ...c.req.valid('query') })), 200),
  );
  app.openapi(routes.delete, async (c) => c.json(await deleteInvoiceItem(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceItemId: c.req.valid('param').invoiceItemId }), 200));
  return app;
}
