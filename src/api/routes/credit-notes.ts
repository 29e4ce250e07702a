import { createRoute, z } from '@hono/zod-openapi';
import { getCreditNote } from '../../billing/credit-notes/get-credit-note.js';
import { creditInvoice } from '../../billing/credit-notes/credit-invoice.js';
import { listCreditNotes } from '../../billing/credit-notes/list-credit-notes.js';
import { listInvoiceCreditNotes } from '../../billing/credit-notes/list-invoice-credit-notes.js';
import { creditNoteViewSchema } from '../../billing/credit-notes/views.js';
import { derivedId } from '../../ids.js';
import { commandDependencies, type BillingApiDependencies } from '../dependencies.js';
import { createCreditNoteBody, listCreditNotesQuery } from '../schemas/credit-notes.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['credit notes'];

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/invoices/{invoiceId}/credit-notes',
    tags,
    summary: 'Credit an invoice: whole lines, part of a line, or an amount; a paid one refunded or credited to the balance, an open one owes less',
    request: { params: pathParams('invoiceId'), headers: idempotencyHeaders, body: jsonBody(createCreditNoteBody) },
    responses: { 201: ok(creditNoteViewSchema, 'The credit note (its refund succeeded, failed, or pending when the gateway could not answer yet)'), ...commonErrors },
  }),
  listOfInvoice: createRoute({
    method: 'get',
    path: '/v1/invoices/{invoiceId}/credit-notes',
    tags,
    summary: "An invoice's credit notes, newest first",
    request: { params: pathParams('invoiceId'), query: z.strictObject(pageQueryShape) },
    responses: { 200: ok(pageSchema(creditNoteViewSchema, 'InvoiceCreditNoteList'), 'One page'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/credit-notes',
    tags,
    summary: 'Credit notes of the tenant, newest first',
    request: { query: listCreditNotesQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(creditNoteViewSchema, 'CreditNoteList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/credit-notes/{creditNoteId}',
    tags,
    summary: 'A credit note with its lines and refund',
    request: { params: pathParams('creditNoteId') },
    responses: { 200: ok(creditNoteViewSchema, 'The credit note'), ...commonErrors },
  }),
};

export function creditNoteRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const commands = { ...commandDependencies(deps), gateway: deps.gateway };
  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const scope = c.get('idempotencyScope');
    const { invoiceId } = c.req.valid('param');
    const note = await creditInvoice(commands, { tenantId, invoiceId, ...c.req.valid('json'), ...(scope === undefined ? {} : { id: derivedId('cn', tenantId, scope) }) });
    return c.json(note, 201);
  });
  app.openapi(routes.listOfInvoice, async (c) =>
    c.json(listEnvelope(await listInvoiceCreditNotes(deps.prisma, { tenantId: c.get('principal').tenantId, invoiceId: c.req.valid('param').invoiceId, ...c.req.valid('query') })), 200),
  );
  app.openapi(routes.list, async (c) => c.json(listEnvelope(await listCreditNotes(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  app.openapi(routes.get, async (c) => c.json(await getCreditNote(deps.prisma, { tenantId: c.get('principal').tenantId, creditNoteId: c.req.valid('param').creditNoteId }), 200));
  return app;
}
