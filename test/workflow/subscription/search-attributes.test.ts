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
import { NextBillingTime, NextRetryTime, OpenInvoiceId, PastDueSince, PriceIds, TenantId } from '../../../workflows/search-attributes.js';
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
    expect(described.typedSearchAttributes.get(TenantId)).toBe(tenantId);
    expect(described.typedSearchAttributes.get(PriceIds)).toEqual([priceId]);

    // One click from "stuck payments": the open invoice, when dunning retries next (apart from the
    // next billing time), and since when the subscription is behind.
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { subscriptionId: record.subscriptionId }, include: { paymentAttempts: true } });
    expect(described.typedSearchAttributes.get(OpenInvoiceId)).toBe(invoice.id);
    expect(described.typedSearchAttributes.get(NextRetryTime)?.toISOString()).toBe(invoice.nextPaymentAttemptAt?.toISOString());
    expect(described.typedSearchAttributes.get(NextRetryTime)?.getTime()).not.toBe(described.typedSearchAttributes.get(NextBillingTime)?.getTime());
    expect(described.typedSearchAttributes.get(PastDueSince)?.getTime()).toBeLessThanOrEqual(Date.now());
    // The README's saved queries "retrying today" (here: before the day after tomorrow, as the
    // first retry is a day after the failure) and "past due for more than N days" (N = 0 here: it
    // fell behind moments ago) find it.
    const dayAfterTomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const retryingSoon = `NextRetryTime < "${dayAfterTomorrow}T00:00:00Z" AND BillingStatus = "past_due" AND PastDueSince < "${new Date(Date.now() + 1000).toISOString()}" AND OpenInvoiceId = "${invoice.id}"`;
    const soon = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const execution of env.client.workflow.list({ query: retryingSoon })) ids.push(execution.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      30_000,
    );
    expect(soon).toEqual([subscriptionWorkflowId(record.subscriptionId)]);
    // The workflow's details and the name of the timer it waits on, as the UI shows them.
    const metadata = await env.client.workflow.getHandle(subscriptionWorkflowId(record.subscriptionId)).query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(`collecting ${invoice.number} (\`${invoice.id}\`): 25.00 USD due, 1 attempt(s)`);
    expect(metadata.currentDetails).toContain('**past_due**');
    const history = await env.client.workflow.getHandle(subscriptionWorkflowId(record.subscriptionId)).fetchHistory();
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
    const summaries = await Promise.all(
      timers.map(async (e) => (e.userMetadata?.summary ? String(await env.client.options.loadedDataConverter.payloadConverter.fromPayload(e.userMetadata.summary)) : null)),
    );
    // The default policy retries after 1, 3, 5 and 7 days: four retries, the first one next.
    expect(summaries).toContain(`dunning retry 1 of 4 for ${invoice.number}`);
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
    // The README's saved query "needs attention", narrowed to this customer.
    const query = `BillingAttention IS NOT NULL AND CustomerId = "${customer.customerId}"`;
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
