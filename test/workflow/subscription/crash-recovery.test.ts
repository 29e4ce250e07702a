import { describe, expect, it } from 'vitest';
import type { BillingActivities } from '../../../activities/index.js';
import { eventually, type SubscriptionHarness, useSubscriptionHarness, utc } from '../../support/subscription-harness.js';

// Workers die at the worst moments here; money must still move exactly once.
let h: SubscriptionHarness;
/** A year ahead of the server's clock (the file's tests share one server clock). */
let Y: number;
useSubscriptionHarness((harness, year) => {
  h = harness;
  Y = year;
}, { worker: false });

const HOUR = 3_600_000;

async function seed(month: number) {
  const tenantId = await h.seedTenant();
  const customerId = await h.seedCustomer(tenantId);
  const priceId = await h.seedPrice(tenantId, { model: 'flat', currency: 'USD', amount: 4900 });
  const anchor = utc(Y, month, 1);
  await h.skipTo(anchor - HOUR);
  return { tenantId, customerId, priceId, anchor };
}

describe('crash recovery', () => {
  // A worker that dies after Stripe charged but before the result was recorded looks, to the
  // server, like an activity attempt that failed after its side effect: the attempt is retried,
  // with the same idempotency key. Every step that writes is made to "die" once right after its
  // work, and the retries must add nothing: one invoice, one number, one charge, paid once.
  it('a worker dying after charging (and after every other write) is recovered without a duplicate invoice or charge', async () => {
    const crashed = new Set<string>();
    const recovered = new Set<string>();
    const crashOnceAfter =
      <I, O>(name: string, real: (input: I) => Promise<O>) =>
      async (input: I): Promise<O> => {
        const result = await real(input);
        if (!crashed.has(name)) {
          crashed.add(name);
          throw new Error(`worker crashed after ${name} did its work`);
        }
        recovered.add(name);
        return result;
      };
    await h.startWorker((real): BillingActivities => ({
      ...real,
      loadSubscriptionStart: crashOnceAfter('loadSubscriptionStart', (input: Parameters<BillingActivities['loadSubscriptionStart']>[0]) => real.loadSubscriptionStart(input)),
      issueInvoice: crashOnceAfter('issueInvoice', (input: Parameters<BillingActivities['issueInvoice']>[0]) => real.issueInvoice(input)),
      chargeInvoice: crashOnceAfter('chargeInvoice', (input: Parameters<BillingActivities['chargeInvoice']>[0]) => real.chargeInvoice(input)),
      recordPaymentOutcome: crashOnceAfter('recordPaymentOutcome', (input: Parameters<BillingActivities['recordPaymentOutcome']>[0]) => real.recordPaymentOutcome(input)),
      persistSubscriptionStates: crashOnceAfter('persistSubscriptionStates', (input: Parameters<BillingActivities['persistSubscriptionStates']>[0]) => real.persistSubscriptionStates(input)),
    }));
    const { tenantId, customerId, priceId, anchor } = await seed(5);
    const { subscriptionId } = await h.startSubscription({ tenantId, customerId, items: [{ priceId, quantity: 1 }], startAt: anchor });
    await h.skipTo(anchor);
    const invoices = await eventually(() => h.invoices(subscriptionId), (list) => list[0]?.status === 'paid', 30_000);
    // The subscription's row went through every state once, in order.
    const audit = await eventually(
      () => h.db.prisma.auditLogEntry.findMany({ where: { tenantId, resourceId: subscriptionId }, orderBy: { createdAt: 'asc' } }),
      (entries) => entries.length >= 2,
      30_000,
    );
    expect(audit.map((a) => a.action)).toEqual(['period_invoiced', 'invoice_paid']);
    // Every retry has gone through (the workflow is idle again: nothing left in flight at the file's end).
    await eventually(() => Promise.resolve(recovered.size), (size) => size === crashed.size, 30_000);
    // Every write of a first period: the load, issuing (create + credit + finalize), the charge
    // (with the state issuing left to write), recording the payment, and the state after it.
    expect([...crashed].sort()).toEqual(['chargeInvoice', 'issueInvoice', 'loadSubscriptionStart', 'persistSubscriptionStates', 'recordPaymentOutcome']);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]?.lines.map((l) => [l.kind, Number(l.amount)])).toEqual([['recurring', 4900]]);
    expect(invoices[0]?.number).toBe('INV-000001'); // finalized once: no number burnt
    expect(invoices[0]?.paymentAttempts.map((a) => a.status)).toEqual(['succeeded']);
    expect(h.stripe.sandbox.successfulChargesFor('invoice_id', invoices[0]?.id ?? '')).toHaveLength(1);
    expect(await h.db.prisma.outboxEvent.count({ where: { tenantId, type: 'invoice.paid' } })).toBe(1);
  });
});
