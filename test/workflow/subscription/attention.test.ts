import { describe, expect, it } from 'vitest';
import type { SubscriptionCommandDependencies } from '../../../src/billing/subscriptions/command-dependencies.js';
import { cancelSubscription } from '../../../src/billing/subscriptions/cancel-subscription.js';
import { paySubscriptionInvoice } from '../../../src/billing/subscriptions/pay-subscription-invoice.js';
import { voidSubscriptionInvoice } from '../../../src/billing/subscriptions/void-subscription-invoice.js';
import { TemporalSubscriptionWorkflows } from '../../../src/temporal/temporal-subscription-workflows.js';
import { BillingAttention } from '../../../workflows/search-attributes.js';
import { getStateQuery } from '../../../workflows/subscription-messages.js';
import type { subscriptionWorkflow } from '../../../workflows/subscription.js';
import { subscriptionWorkflowId } from '../../../src/temporal/workflow-ids.js';
import { seedSubscription } from '../../support/billing-fixtures.js';
import { DAY_MS, eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

// What the workflow does when it cannot go on by itself: it stays Running, says so (query,
// search attribute, invoice, outbox), stops retrying, and an operator's action gets it going.
let h: SubscriptionHarness;
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
});

const HOUR = 3_600_000;
const monthly = { unit: 'month', count: 1 } as const;

function commands(): SubscriptionCommandDependencies {
  return { prisma: h.db.prisma, workflows: new TemporalSubscriptionWorkflows(h.env.client, h.taskQueue), now: () => h.env.currentTimeMs() };
}

/** A $49 monthly subscription anchored at `anchor`, with a working card, started an hour before. */
async function subscription(anchor: number) {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId);
  const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 4900 }, monthly);
  await h.skipTo(anchor - HOUR);
  return { tenantId, customerId, priceId, ...(await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: anchor })) };
}

async function attentionAttribute(handle: { describe(): Promise<{ typedSearchAttributes: { get(key: typeof BillingAttention): string | undefined } }> }) {
  return (await handle.describe()).typedSearchAttributes.get(BillingAttention);
}

describe('a charge the gateway refuses as an invalid request', () => {
  it('leaves the workflow Running and the first invoice open, flagged, not retried; paying it again clears it', async () => {
    const anchor = utc(Y, 3, 1);
    const sub = await subscription(anchor);
    h.stripe.sandbox.failNext('invalid_request', '/v1/payment_intents');
    await h.skipTo(anchor);
    const [invoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.attentionReason === 'gateway_rejected', 30_000);
    expect(invoice).toMatchObject({ status: 'open', attentionReason: 'gateway_rejected', amountDue: 4900n });
    expect(invoice?.attentionMessage).toMatch(/refused/);
    expect(invoice?.paymentAttempts.map((a) => [a.status, a.failureCode])).toEqual([['rejected', 'parameter_invalid_integer']]);
    const live = await sub.handle.query(getStateQuery);
    // The first invoice failing leaves a subscription incomplete (as a decline would).
    expect(live).toMatchObject({ status: 'incomplete', attention: { reason: 'gateway_rejected', invoiceId: invoice?.id }, collections: [{ invoiceId: invoice?.id, nextRetryAt: null }] });
    expect((await sub.handle.describe()).status.name).toBe('RUNNING');
    // Search attributes are upserted once the change is stored.
    expect(await eventually(() => attentionAttribute(sub.handle), (value) => value !== undefined)).toBe('gateway_rejected');
    expect(await h.db.prisma.outboxEvent.count({ where: { aggregateId: invoice?.id, type: 'billing.attention_required' } })).toBe(1);

    // Twenty days on, dunning has not tried again.
    await h.skipTo(anchor + 20 * DAY_MS);
    expect((await h.invoices(sub.subscriptionId))[0]?.paymentAttempts).toHaveLength(1);

    const paid = await paySubscriptionInvoice(commands(), { tenantId: sub.tenantId, invoiceId: invoice?.id ?? '', attemptKey: 'operator-retry' });
    expect(paid).toMatchObject({ outcome: 'succeeded', invoice: { status: 'paid', amountPaid: 4900, attention: null } });
    expect(await sub.handle.query(getStateQuery)).toMatchObject({ status: 'active', attention: null, collections: [] });
    expect(await eventually(() => attentionAttribute(sub.handle), (value) => value === undefined)).toBeUndefined();
  });

  it('at a renewal: past due and flagged; voiding the invoice makes it active again', async () => {
    // The 15th: the other subscriptions of this file renew on the 1st, and must not take the fault.
    const anchor = utc(Y, 4, 15);
    const sub = await subscription(anchor);
    await h.skipTo(anchor + HOUR);
    await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.status === 'paid');
    await h.skipTo(utc(Y, 5, 15) - HOUR);
    h.stripe.sandbox.failNext('invalid_request', '/v1/payment_intents');
    await h.skipTo(utc(Y, 5, 15) + HOUR);
    const invoices = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[1]?.attentionReason === 'gateway_rejected', 30_000);
    const renewal = invoices[1];
    expect(await sub.handle.query(getStateQuery)).toMatchObject({ status: 'past_due', attention: { reason: 'gateway_rejected' } });
    const voided = await voidSubscriptionInvoice(commands(), { tenantId: sub.tenantId, invoiceId: renewal?.id ?? '' });
    expect(voided).toMatchObject({ status: 'void', attention: null });
    expect(await sub.handle.query(getStateQuery)).toMatchObject({ status: 'active', attention: null, collections: [] });
    expect(await eventually(() => attentionAttribute(sub.handle), (value) => value === undefined)).toBeUndefined();
  });
});

describe('an unexpected error inside a billing step', () => {
  it('is caught at the step boundary: Running, flagged, retried after a back-off, cleared once the step goes through', async () => {
    const anchor = utc(Y, 6, 1);
    const sub = await subscription(anchor);
    // A row no operation can use: the subscription's currency no longer matches its invoices'.
    await h.db.prisma.subscription.update({ where: { id: sub.subscriptionId }, data: { currency: 'EUR' } });
    await h.skipTo(anchor);
    const flagged = await eventually(() => sub.handle.query(getStateQuery), (view) => view.attention !== null, 30_000);
    expect(flagged.attention).toMatchObject({ reason: 'workflow_error', invoiceId: null });
    expect(flagged.attention?.message).toMatch(/currency_mismatch/);
    // The first back-off is a minute: the retry is due then, not in a loop.
    expect(Date.parse(flagged.attention?.retryAt ?? '') - Date.parse(flagged.attention?.since ?? '')).toBe(60_000);
    expect(flagged.nextAction.kind).toBe('step_retry');
    expect((await sub.handle.describe()).status.name).toBe('RUNNING');
    expect(await eventually(() => attentionAttribute(sub.handle), (value) => value !== undefined)).toBe('workflow_error');
    const countEvents = () => h.db.prisma.outboxEvent.count({ where: { aggregateId: sub.subscriptionId, type: 'billing.attention_required' } });
    expect(await eventually(countEvents, (count) => count > 0)).toBe(1);

    await h.db.prisma.subscription.update({ where: { id: sub.subscriptionId }, data: { currency: 'USD' } });
    await h.skipTo(anchor + 2 * 60_000);
    const [invoice] = await eventually(() => h.invoices(sub.subscriptionId), (list) => list[0]?.status === 'paid', 30_000);
    // Dated by the period it bills, not by when the retry ran.
    expect(invoice?.periodStart?.getTime()).toBe(anchor);
    const recovered = await eventually(() => sub.handle.query(getStateQuery), (view) => view.attention === null && view.status === 'active');
    expect(recovered.nextAction.kind).toBe('renewal');
    expect(await eventually(() => attentionAttribute(sub.handle), (value) => value === undefined)).toBeUndefined();
  });

  it('a price no code can price (a corrupt row) never fails the workflow; it answers queries and can be canceled', async () => {
    const tenantId = await h.seedTenant();
    const customerId = await h.seedCustomer(tenantId);
    const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 4900 }, monthly);
    const anchor = utc(Y, 8, 1);
    await h.skipTo(anchor - HOUR);
    const record = await seedSubscription(h.db.prisma, { tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: anchor });
    // Written around the operations (as a bad migration or a manual fix might).
    await h.db.prisma.price.update({ where: { id: priceId }, data: { definition: { model: 'flat', currency: 'USD', amount: 'lots' } } });
    await commands().workflows.start({ tenantId, subscriptionId: record.subscriptionId });
    const sub = { subscriptionId: record.subscriptionId, handle: h.env.client.workflow.getHandle<typeof subscriptionWorkflow>(subscriptionWorkflowId(record.subscriptionId)) };
    await h.skipTo(anchor);
    const flagged = await eventually(() => sub.handle.query(getStateQuery).catch(() => null), (view) => view?.attention !== undefined && view.attention !== null, 30_000);
    if (flagged === null) throw new Error('the workflow never answered');
    expect(flagged.attention).toMatchObject({ reason: 'workflow_error' });
    expect(flagged.attention?.message).toMatch(/lots|decimal|definition/i);
    // Each back-off passes without a loop: after the first two retries the workflow is still parked.
    await h.skipTo(anchor + 12 * 60_000);
    const later = await sub.handle.query(getStateQuery);
    expect(later.attention?.reason).toBe('workflow_error');
    expect(await h.invoices(sub.subscriptionId)).toEqual([]);
    const history = await sub.handle.fetchHistory();
    expect(history.events?.length ?? 0).toBeLessThan(200);

    const canceled = await cancelSubscription(commands(), { tenantId, subscriptionId: sub.subscriptionId, mode: 'now' });
    expect(canceled.status === 'canceled' || canceled.live?.status === 'canceled').toBe(true);
    await eventually(() => sub.handle.describe(), (d) => d.status.name === 'COMPLETED', 30_000);
  });
});
