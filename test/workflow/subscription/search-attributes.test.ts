import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { setDefaultPaymentMethod } from '../../../src/billing/customers/set-default-payment-method.js';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { subscriptionWorkflow } from '../../../workflows/subscription.js';
import { seedCustomer, seedPrice, seedSubscription, seedTenant } from '../../support/billing-fixtures.js';
import { eventually } from '../../support/subscription-harness.js';
import { startSandbox, type SandboxHarness } from '../../support/stripe-sandbox.js';
import { BILLING_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.js';
import { startDevServer } from '../../support/dev-server.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';

// Visibility queries need a real server (the time-skipping test server cannot list workflows),
// so this file runs the Temporal dev server, in real time, as operators would use it.
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let stripe: SandboxHarness;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'billing-visibility';

beforeAll(async () => {
  env = await startDevServer();
  [db, stripe] = await Promise.all([createTestDatabase(), startSandbox({ seed: 9 })]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url)) }),
    activities: createActivities({ prisma: db.prisma, gateway: stripe.gateway }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await stripe?.close();
  await db?.drop();
  await env?.teardown();
});

describe('search attributes in the Temporal UI', () => {
  it('a subscription in dunning is found with BillingStatus = "past_due" and its customer', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 2500 }, interval: { unit: 'month', count: 1 } });
    const record = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: Date.now() });
    // An existing, paid-up subscription whose period ends in three seconds, with a card that now fails.
    const now = Date.now();
    const anchor = new Date(now + 3_000);
    anchor.setUTCMonth(anchor.getUTCMonth() - 1);
    await db.prisma.subscription.update({ where: { id: record.subscriptionId }, data: { status: 'active', billingAnchor: anchor, currentPeriodIndex: 0 } });
    await setDefaultPaymentMethod(db.prisma, stripe.gateway, { tenantId, customerId: customer.customerId, gatewayPaymentMethodId: 'pm_card_chargeCustomerFail' });

    await env.client.workflow.start(subscriptionWorkflow, {
      taskQueue,
      workflowId: subscriptionWorkflowId(record.subscriptionId),
      args: [{ tenantId, subscriptionId: record.subscriptionId }],
    });
    const query = `BillingStatus = "past_due" AND CustomerId = "${customer.customerId}" AND DunningAttempt >= 1`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of env.client.workflow.list({ query })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      30_000,
    );
    expect(found).toEqual([subscriptionWorkflowId(record.subscriptionId)]);
    const described = await env.client.workflow.getHandle(subscriptionWorkflowId(record.subscriptionId)).describe();
    expect(described.typedSearchAttributes.get(BILLING_SEARCH_ATTRIBUTES[2])).toBe(tenantId);
    expect(described.typedSearchAttributes.get(BILLING_SEARCH_ATTRIBUTES[3])).toEqual([priceId]);
  }, 90_000);

  it('a subscription whose charge the gateway refused is found with BillingAttention = "gateway_rejected"', async () => {
    const { tenantId } = await seedTenant(db.prisma);
    const customer = await seedCustomer(db.prisma, stripe.gateway, { tenantId, currency: 'USD' });
    const { priceId } = await seedPrice(db.prisma, { tenantId, currency: 'USD', definition: { model: 'flat', currency: 'USD', amount: 2500 }, interval: { unit: 'month', count: 1 } });
    const record = await seedSubscription(db.prisma, { tenantId, customerId: customer.customerId, items: [{ priceId, quantity: 1 }], startAt: Date.now() });
    // The next charge request is one the gateway refuses outright (an invalid request).
    stripe.sandbox.failNext('invalid_request', '/v1/payment_intents');
    await env.client.workflow.start(subscriptionWorkflow, {
      taskQueue,
      workflowId: subscriptionWorkflowId(record.subscriptionId),
      args: [{ tenantId, subscriptionId: record.subscriptionId }],
    });
    const query = `BillingAttention = "gateway_rejected" AND CustomerId = "${customer.customerId}"`;
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of env.client.workflow.list({ query })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      30_000,
    );
    expect(found).toEqual([subscriptionWorkflowId(record.subscriptionId)]);
    expect((await env.client.workflow.getHandle(subscriptionWorkflowId(record.subscriptionId)).describe()).status.name).toBe('RUNNING');
  }, 90_000);
});
