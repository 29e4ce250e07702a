import { createRoute, z } from '@hono/zod-openapi';
import { adjustCreditBalance } from '../../billing/credit/adjust-credit-balance.js';
import { getCreditBalance } from '../../billing/credit/get-credit-balance.js';
import { listCreditTransactions } from '../../billing/credit/list-credit-transactions.js';
import { creditBalanceViewSchema, creditTransactionViewSchema } from '../../billing/credit/views.js';
import { getCreditTransaction } from '../../billing/credit/get-credit-transaction.js';
import { getDunningPolicy } from '../../billing/dunning/get-dunning-policy.js';
import { saveDunningPolicy } from '../../billing/dunning/save-dunning-policy.js';
import { dunningPolicyViewSchema } from '../../billing/dunning/views.js';
import { derivedId } from '../../ids.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { adjustCreditBody } from '../schemas/customers.js';
import { dunningPolicyBody } from '../schemas/settings.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, pageQueryShape, pageSchema, pathParams } from './router.js';

const customerParams = pathParams('customerId');

const adjustmentResult = z
  .object({ transaction: creditTransactionViewSchema, balance: creditBalanceViewSchema })
  .openapi('CreditBalanceAdjustment');

const routes = {
  balance: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/credit-balance',
    tags: ['credit'],
    summary: "The customer's credit balance per currency (applied to their next invoices)",
    request: { params: customerParams },
    responses: { 200: ok(creditBalanceViewSchema, 'The balance'), ...commonErrors },
  }),
  adjust: createRoute({
    method: 'post',
    path: '/v1/customers/{customerId}/credit-balance/adjustments',
    tags: ['credit'],
    summary: 'Add (positive) or remove (negative) credit, with a reason recorded in the ledger',
    request: { params: customerParams, headers: idempotencyHeaders, body: jsonBody(adjustCreditBody) },
    responses: { 201: ok(adjustmentResult, 'The ledger entry and the balance after it'), ...commonErrors },
  }),
  transactions: createRoute({
    method: 'get',
    path: '/v1/customers/{customerId}/credit-balance/transactions',
    tags: ['credit'],
    summary: 'The credit ledger, newest first',
    request: { params: customerParams, query: z.strictObject(pageQueryShape) },
    responses: { 200: ok(pageSchema(creditTransactionViewSchema, 'CreditTransactionList'), 'One page'), ...commonErrors },
  }),
  getPolicy: createRoute({
    method: 'get',
    path: '/v1/dunning-policy',
    tags: ['dunning'],
    summary: "The tenant's dunning policy (the defaults until one is saved)",
    responses: { 200: ok(dunningPolicyViewSchema, 'The policy'), ...commonErrors },
  }),
  putPolicy: createRoute({
    method: 'put',
    path: '/v1/dunning-policy',
    tags: ['dunning'],
    summary: "Replace the tenant's dunning policy; each subscription applies it from its next billing period",
    request: { body: jsonBody(dunningPolicyBody) },
    responses: { 200: ok(dunningPolicyViewSchema, 'The saved policy'), ...commonErrors },
  }),
};

export function creditAndDunningRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();

  app.openapi(routes.balance, async (c) => c.json(await getCreditBalance(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId }), 200));

  app.openapi(routes.adjust, async (c) => {
    const { tenantId } = c.get('principal');
    const { customerId } = c.req.valid('param');
    const body = c.req.valid('json');
    const key = c.get('idempotencyScope');
    // With a key, the ledger entry itself is keyed too: even a retry after a lost claim adds it once.
    const adjustment = await adjustCreditBalance(deps.prisma, {
      tenantId,
      customerId,
      amount: { amount: body.amount, currency: body.currency },
      reason: body.reason,
      ...(key === undefined ? {} : { sourceKey: `api:${derivedId('cbt', tenantId, key)}` }),
    });
    const transaction = await getCreditTransaction(deps.prisma, { tenantId, transactionId: adjustment.transactionId });
    return c.json({ transaction, balance: await getCreditBalance(deps.prisma, { tenantId, customerId }) }, 201);
  });

  app.openapi(routes.transactions, async (c) =>
    c.json(listEnvelope(await listCreditTransactions(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, ...c.req.valid('query') })), 200),
  );

  app.openapi(routes.getPolicy, async (c) => c.json(await getDunningPolicy(deps.prisma, { tenantId: c.get('principal').tenantId }), 200));

  app.openapi(routes.putPolicy, async (c) => {
    const { tenantId } = c.get('principal');
    await saveDunningPolicy(deps.prisma, { tenantId, ...c.req.valid('json') });
    return c.json(await getDunningPolicy(deps.prisma, { tenantId }), 200);
  });

  return app;
}
