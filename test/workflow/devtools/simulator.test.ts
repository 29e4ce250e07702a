import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runScenario, type RunScenarioOptions } from '../../../src/devtools/simulator/run-scenario.js';
import { parseScenario, ScenarioValidationError, type ScenarioInput } from '../../../src/devtools/simulator/scenario-schema.js';
import type { Timeline, TimelineEvent } from '../../../src/devtools/simulator/timeline.js';
import '../../support/provided-context.js';

/**
 * The scenario simulator end to end: each run starts its own time-skipping server (its clock
 * must start before the scenario, and other files move the shared one), and makes its database
 * on the group's PostgreSQL by cloning the migrated template. Every expected value below is
 * worked out by hand from the scenario, never copied from a run.
 */

async function example(name: string): Promise<ScenarioInput> {
  return JSON.parse(await readFile(new URL(`../../../src/devtools/simulator/scenarios/${name}.json`, import.meta.url), 'utf8')) as ScenarioInput;
}

function options(): RunScenarioOptions {
  return { databaseUrl: inject('postgresAdminUrl'), databaseTemplate: inject('templateDatabase') };
}

const day = (iso: string | null | undefined): string | undefined => iso?.slice(0, 10);
/** To the hour: work triggered at an instant runs a few real milliseconds after it. */
const hour = (iso: string | null | undefined): string | undefined => iso?.slice(0, 13);

function statusChanges(timeline: Timeline): Array<[string, string, string, string | undefined]> {
  return timeline.events
    .filter((e): e is Extract<TimelineEvent, { type: 'status_change' }> => e.type === 'status_change')
    .map((e) => [e.from, e.to, e.action, hour(e.at)]);
}

describe('trial-then-renewals.json', () => {
  let timeline: Timeline;
  beforeAll(async () => {
    timeline = await runScenario(await example('trial-then-renewals'), options());
  });

  it('bills a year of renewals on the clamped Jan 31 anchor, one paid invoice of 29.99 each', () => {
    // start 2030-01-17 + 14 trial days = 2030-01-31, the anchor. Period n starts on Jan 31 + n
    // months, clamped to the month's last day (2030 is not a leap year) and never chained:
    const starts = [
      '2030-01-31', '2030-02-28', '2030-03-31', '2030-04-30', '2030-05-31', '2030-06-30',
      '2030-07-31', '2030-08-31', '2030-09-30', '2030-10-31', '2030-11-30', '2030-12-31',
    ];
    // The 13th period would start 2031-01-31, after `until` (2031-01-15): 12 invoices.
    expect(timeline.currency).toBe('USD');
    expect(timeline.invoices).toHaveLength(12);
    expect(timeline.invoices.map((i) => day(i.periodStart))).toEqual(starts);
    expect(timeline.invoices.map((i) => day(i.periodEnd))).toEqual([...starts.slice(1), '2031-01-31']);
    // Gapless numbers per tenant: INV-000001 … INV-000012.
    expect(timeline.invoices.map((i) => i.number)).toEqual(Array.from({ length: 12 }, (_, n) => `INV-${String(n + 1).padStart(6, '0')}`));
    for (const invoice of timeline.invoices) {
      // One flat line of 2999 (USD 29.99); no discount, tax or credit: total = amount due = paid.
      expect(invoice.lines).toEqual([expect.objectContaining({ kind: 'recurring', description: 'Team plan', quantity: 1, amount: 2999 })]);
      expect(invoice).toMatchObject({ status: 'paid', kind: 'recurring', subtotal: 2999, discount: 0, tax: 0, total: 2999, creditApplied: 0, amountDue: 2999, amountPaid: 2999 });
    }
    // 12 successful first attempts: 12 × 2999 = 35,988 collected.
    expect(timeline.payments.map((p) => [p.attempt, p.status])).toEqual(Array.from({ length: 12 }, () => [1, 'succeeded']));
    expect(timeline.payments.reduce((sum, p) => sum + (p.status === 'succeeded' ? p.amount : 0), 0)).toBe(35_988);
  });

  it('renewals are billed in advance, on the day their period starts', () => {
    for (const invoice of timeline.invoices) {
      expect(day(invoice.finalizedAt)).toBe(day(invoice.periodStart));
      expect(day(invoice.paidAt)).toBe(day(invoice.periodStart));
    }
  });

  it('trialing until 2030-01-31, active since; the final state waits for the 2031-01-31 renewal', () => {
    expect(statusChanges(timeline)).toEqual([['trialing', 'active', 'trial_ended', '2030-01-31T00']]);
    expect(timeline.final).toMatchObject({
      status: 'active',
      trialEnd: '2030-01-31T00:00:00.000Z',
      billingAnchor: '2030-01-31T00:00:00.000Z',
      // Period 11 (the 12th) runs 2030-12-31 → 2031-01-31.
      currentPeriod: { index: 11, start: '2030-12-31T00:00:00.000Z', end: '2031-01-31T00:00:00.000Z' },
      items: [{ priceId: 'team-monthly', quantity: 1 }],
      nextAction: { kind: 'renewal', at: '2031-01-31T00:00:00.000Z' },
    });
    // Events are in time order.
    const times = timeline.events.map((e) => e.at);
    expect(times).toEqual([...times].sort());
  });

  // A trial that ends with a card bills its first period at once, in advance (this caught a
  // workflow bug where period 0 was billed a month late, together with period 1).
  it('the first invoice is issued and paid when the trial ends (2030-01-31), not a month later', () => {
    const first = timeline.invoices[0];
    expect(day(first?.finalizedAt)).toBe('2030-01-31');
    expect(day(first?.paidAt)).toBe('2030-01-31');
  });

  it('MRR: nothing while trialing, 2999 from the trial end on, one new customer, no churn', () => {
    const { mrr } = timeline.analytics;
    // 2030-01-17 (the start) to 2031-01-14 (the day before `until`): 13 calendar months, the first and last partial.
    expect(mrr.map((b) => [b.start, b.end])[0]).toEqual(['2030-01-17', '2030-01-31']);
    expect(mrr.at(-1)).toMatchObject({ start: '2031-01-01', end: '2031-01-14' });
    expect(mrr).toHaveLength(13);
    // A trial is not revenue: MRR enters at 2999 when it ends on 2030-01-31, a new customer.
    expect(mrr[0]).toMatchObject({ openingMrr: 0, closingMrr: 2999, movements: { new: 2999, expansion: 0, contraction: 0, churn: 0, reactivation: 0 }, customers: { opening: 0, closing: 1, new: 1 } });
    for (const bucket of mrr.slice(1)) {
      expect(bucket).toMatchObject({ openingMrr: 2999, closingMrr: 2999, arr: 35_988, netChange: 0, subscriberChurnRate: 0, revenueChurnRate: 0, netRevenueRetention: 1 });
    }
    // Each renewal invoiced and collected in its month, nothing outstanding.
    expect(mrr.map((b) => [b.invoiced, b.collected, b.outstanding])).toEqual([...Array.from({ length: 12 }, () => [2999, 2999, 0]), [0, 0, 0]]);
  });

  it('revenue: each 2999 recognised day by day over its period, the rest deferred', () => {
    const { revenue } = timeline.analytics;
    // Invoice 1 covers 31 Jan – 28 Feb, 28 days: 2999 / 28 = 107.1, so 107 a day and the 3 cents
    // left to the first three days (ties go to the earliest): 31 Jan recognises 108, 2891 deferred.
    expect(revenue[0]).toMatchObject({ invoiced: 2999, recognised: 108, recognisedToDate: 108, deferred: 2891 });
    // February: the rest of invoice 1 (2891) plus 28 Feb of invoice 2 (28 Feb – 31 Mar, 31 days:
    // 2999 / 31 = 96.7, 97 on the first 23 days) = 2988; deferred 2999 − 97 = 2902.
    expect(revenue[1]).toMatchObject({ start: '2030-02-01', invoiced: 2999, recognised: 2988, recognisedToDate: 3096, deferred: 2902 });
    // Invoice 12 covers 31 Dec – 31 Jan (31 days, 97 on its first 23 days): 1–14 Jan recognise
    // 14 × 97 = 1358; 15–22 Jan (8 × 97) + 23–30 Jan (8 × 96) = 1544 deferred.
    expect(revenue.at(-1)).toMatchObject({ start: '2031-01-01', invoiced: 0, recognised: 1358, deferred: 1544, recognisedToDate: 12 * 2999 - 1544 });
    for (const bucket of revenue) expect(bucket.recognisedToDate + bucket.deferred).toBe(revenue.filter((b) => b.start <= bucket.start).reduce((sum, b) => sum + b.invoiced, 0));
  });
});

describe('declined-renewal.json', () => {
  it('declines the next two charges with the chosen code on a working card, then the retry pays', async () => {
    const timeline = await runScenario(await example('declined-renewal'), options());
    // Period 0 (03-01 → 04-01) is paid at the start; decline_charges on 03-20 (count 2) makes the
    // next two charges fail whatever the card: the renewal on 04-01 and the retry 1 day later
    // (04-02). The retry 3 days after the first failure (04-04) is the third charge: it succeeds.
    expect(timeline.payments.map((p) => [p.invoice, p.attempt, p.status, p.declineCode, p.amount, hour(p.at)])).toEqual([
      ['INV-000001', 1, 'succeeded', null, 4900, '2030-03-01T00'],
      ['INV-000002', 1, 'declined', 'insufficient_funds', 4900, '2030-04-01T00'],
      ['INV-000002', 2, 'declined', 'insufficient_funds', 4900, '2030-04-02T00'],
      ['INV-000002', 3, 'succeeded', null, 4900, '2030-04-04T00'],
    ]);
    expect(statusChanges(timeline)).toEqual([
      ['incomplete', 'active', 'invoice_paid', '2030-03-01T00'],
      ['active', 'past_due', 'payment_failed', '2030-04-01T00'],
      ['past_due', 'active', 'invoice_paid', '2030-04-04T00'],
    ]);
  });
});

describe('dunning-recovery.json', () => {
  let timeline: Timeline;
  beforeAll(async () => {
    timeline = await runScenario(await example('dunning-recovery'), options());
  });

  it('retries the failed renewal at the policy offsets, and the new card pays it at once', () => {
    // No trial: period 0 is 2030-03-01 → 04-01, billed and paid (pm_card_visa) at the start.
    // Period 1 (04-01 → 05-01) is billed on 04-01 on pm_card_chargeCustomerFail (saved 03-20).
    expect(timeline.invoices.map((i) => [i.number, day(i.periodStart), day(i.periodEnd), i.total, i.amountPaid, i.status])).toEqual([
      ['INV-000001', '2030-03-01', '2030-04-01', 4900, 4900, 'paid'],
      ['INV-000002', '2030-04-01', '2030-05-01', 4900, 4900, 'paid'],
    ]);
    // Policy retryOffsetsDays [1, 3, 5, 7] from the first failure (04-01): retries planned on
    // 04-02, 04-04, 04-06, 04-08. Attempts 1-3 (04-01, 04-02, 04-04) are declined; the new card
    // on 04-05 12:00 triggers attempt 4 at once, which succeeds; no attempt on 04-06 or later.
    expect(timeline.payments.map((p) => [p.invoice, p.attempt, p.status, p.declineCode, p.amount, hour(p.at)])).toEqual([
      ['INV-000001', 1, 'succeeded', null, 4900, '2030-03-01T00'],
      ['INV-000002', 1, 'declined', 'generic_decline', 4900, '2030-04-01T00'],
      ['INV-000002', 2, 'declined', 'generic_decline', 4900, '2030-04-02T00'],
      ['INV-000002', 3, 'declined', 'generic_decline', 4900, '2030-04-04T00'],
      ['INV-000002', 4, 'succeeded', null, 4900, '2030-04-05T12'],
    ]);
    expect(hour(timeline.invoices[1]?.paidAt)).toBe('2030-04-05T12');
    // Collected: 2 × 4900 = 9800; declined attempts take nothing.
    expect(timeline.payments.filter((p) => p.status === 'succeeded').reduce((sum, p) => sum + p.amount, 0)).toBe(9_800);
  });

  it('goes incomplete → active → past_due → active', () => {
    expect(statusChanges(timeline)).toEqual([
      ['incomplete', 'active', 'invoice_paid', '2030-03-01T00'],
      ['active', 'past_due', 'payment_failed', '2030-04-01T00'],
      ['past_due', 'active', 'invoice_paid', '2030-04-05T12'],
    ]);
    const actions = timeline.events.filter((e) => e.type === 'action');
    expect(actions.map((a) => [a.at, a.type === 'action' && a.result])).toEqual([
      // pm_card_chargeCustomerFail is the visa ending 0341; pm_card_visa the one ending 4242.
      ['2030-03-20T00:00:00.000Z', expect.objectContaining({ paymentMethod: 'pm_card_chargeCustomerFail', last4: '0341' })],
      ['2030-04-05T12:00:00.000Z', expect.objectContaining({ paymentMethod: 'pm_card_visa', last4: '4242' })],
    ]);
    expect(timeline.final).toMatchObject({
      status: 'active',
      collections: [],
      currentPeriod: { index: 1, start: '2030-04-01T00:00:00.000Z', end: '2030-05-01T00:00:00.000Z' },
      nextAction: { kind: 'renewal', at: '2030-05-01T00:00:00.000Z' },
    });
  });
});

describe('cancel-with-credit.json', () => {
  it('an immediate cancel 10 days into September credits the 20 unused days', async () => {
    const timeline = await runScenario(await example('cancel-with-credit'), options());
    // One invoice: 2030-09-01 → 10-01, 3000, paid at the start; nothing billed after the cancel.
    expect(timeline.invoices.map((i) => [i.number, day(i.periodStart), day(i.periodEnd), i.total, i.status])).toEqual([['INV-000001', '2030-09-01', '2030-10-01', 3000, 'paid']]);
    // September has 30 days; canceled on 09-11, 20 are unused: 3000 × 20 / 30 = 2000 credited.
    expect(timeline.creditBalance).toEqual({ balance: 2000, transactions: [{ amount: 2000, reason: 'prorated_cancellation', invoice: null }] });
    expect(statusChanges(timeline)).toEqual([
      ['incomplete', 'active', 'invoice_paid', '2030-09-01T00'],
      ['active', 'canceled', 'canceled', '2030-09-11T00'],
    ]);
    expect(timeline.final).toMatchObject({ status: 'canceled', nextAction: { kind: 'none', at: null } });
    expect(hour(timeline.final?.canceledAt)).toBe('2030-09-11T00');
  });
});

describe('setup-fee-and-credit-notes.json', () => {
  it('bills the setup fee once, refunds part of it, bills a one-off charge on the next invoice, and credits a line to the balance', async () => {
    const timeline = await runScenario(await example('setup-fee-and-credit-notes'), options());
    expect(timeline.invoices.map((i) => [i.number, i.lines.map((l) => [l.kind, l.description, l.amount]), i.total, i.creditApplied, i.amountPaid, i.amountCredited, i.amountRefunded, i.status])).toEqual([
      // February: the plan $40.00 + the setup fee $150.00 = $190.00; $50.00 of it credited and refunded.
      ['INV-000001', [['recurring', 'Team plan', 4000], ['one_off', 'Setup fee', 15000]], 19000, 0, 19000, 5000, 5000, 'paid'],
      // March: the plan + the training $25.00 = $65.00; the plan line ($40.00) credited to the balance.
      ['INV-000002', [['recurring', 'Team plan', 4000], ['one_off', 'Extra training', 2500]], 6500, 0, 6500, 4000, 0, 'paid'],
      // April: the plan alone, paid entirely by the $40.00 of credit.
      ['INV-000003', [['recurring', 'Team plan', 4000]], 4000, 4000, 0, 0, 0, 'paid'],
    ]);
    expect(timeline.creditNotes.map((n) => [n.number, n.invoice, n.outcome, n.subtotal, n.adjustment, n.total, n.refund?.status ?? null, day(n.createdAt)])).toEqual([
      ['CN-000001', 'INV-000001', 'refund', 5000, 0, 5000, 'succeeded', '2031-02-10'],
      ['CN-000002', 'INV-000002', 'credit_balance', 4000, 0, 4000, null, '2031-03-05'],
    ]);
    // The fourth action asks for $25.01 of what is left of March's $65.00 − $40.00 = $25.00: refused.
    const refused = timeline.events.filter((e): e is Extract<TimelineEvent, { type: 'action' }> => e.type === 'action').at(-1);
    expect(refused?.error?.type).toBe('invalid_credit_note');
    expect(timeline.creditBalance).toEqual({
      balance: 0,
      transactions: [
        { amount: 4000, reason: 'Credit note CN-000002', invoice: 'INV-000002' },
        { amount: -4000, reason: 'applied_to_invoice', invoice: 'INV-000003' },
      ],
    });
    // The timeline shows the notes and the refund in time order, among the invoices.
    const order = timeline.events.filter((e) => e.type === 'credit_note' || e.type === 'refund' || e.type === 'invoice_finalized').map((e) => ('number' in e ? `${e.type}:${e.number}` : `${e.type}:${(e as { creditNote: string }).creditNote}`));
    expect(order).toEqual(['invoice_finalized:INV-000001', 'credit_note:CN-000001', 'refund:CN-000001', 'invoice_finalized:INV-000002', 'credit_note:CN-000002', 'invoice_finalized:INV-000003']);
  });
});

describe('anchored-to-the-first.json', () => {
  it('bills the stub from the 15th to the 1st prorated, then the full price on each 1st', async () => {
    const timeline = await runScenario(await example('anchored-to-the-first'), options());
    // The stub 03-15 → 04-01 is 17 days of the full period 03-01 → 04-01 (31 days): 3100 × 17/31 = 1700.
    // Then April, May and June in full on the 1st: 3100 each.
    expect(timeline.invoices.map((i) => [i.number, day(i.periodStart), day(i.periodEnd), i.total, i.status, day(i.paidAt)])).toEqual([
      ['INV-000001', '2030-03-15', '2030-04-01', 1700, 'paid', '2030-03-15'],
      ['INV-000002', '2030-04-01', '2030-05-01', 3100, 'paid', '2030-04-01'],
      ['INV-000003', '2030-05-01', '2030-06-01', 3100, 'paid', '2030-05-01'],
      ['INV-000004', '2030-06-01', '2030-07-01', 3100, 'paid', '2030-06-01'],
    ]);
    expect(timeline.invoices[0]?.lines.map((l) => [l.kind, l.amount])).toEqual([['proration', 1700]]);
    // 1700 + 3 × 3100 = 11000 collected.
    expect(timeline.payments.reduce((sum, p) => sum + (p.status === 'succeeded' ? p.amount : 0), 0)).toBe(11_000);
    expect(statusChanges(timeline)).toEqual([['incomplete', 'active', 'invoice_paid', '2030-03-15T00']]);
  });
});

describe('mid-period-upgrade.json', () => {
  it('prorates the upgrade and the seat change by hand-checked amounts onto the next invoice', async () => {
    const timeline = await runScenario(await example('mid-period-upgrade'), options());
    // June 2030 has 30 days. INV-000001 (06-01 → 07-01): Starter 2000 + 3 seats × 1000 = 5000.
    // 06-16: 15 of 30 days left. Starter → Pro: credit −2000 × 15/30 = −1000, charge 5000 × 15/30 = +2500.
    // 06-19: 12 of 30 days left. 3 → 5 seats: credit −3000 × 12/30 = −1200, charge 5000 × 12/30 = +2000.
    // create_prorations: the lines wait for INV-000002 (07-01 → 08-01): Pro 5000 + 5 seats 5000
    // + (−1000 + 2500 − 1200 + 2000 = 2300) = 12300.
    expect(timeline.invoices.map((i) => [i.number, day(i.periodStart), i.lines.map((l) => [l.kind, l.quantity, l.amount]), i.subtotal, i.total, i.amountPaid])).toEqual([
      ['INV-000001', '2030-06-01', [['recurring', 1, 2000], ['recurring', 3, 3000]], 5000, 5000, 5000],
      [
        'INV-000002',
        '2030-07-01',
        [['recurring', 1, 5000], ['recurring', 5, 5000], ['proration', 1, -1000], ['proration', 1, 2500], ['proration', 3, -1200], ['proration', 5, 2000]],
        12300,
        12300,
        12300,
      ],
    ]);
    const actions = timeline.events.filter((e): e is Extract<TimelineEvent, { type: 'action' }> => e.type === 'action');
    // The preview is exactly what the change then applied: net 1500 = −1000 + 2500.
    expect(actions.map((a) => [a.action, a.error])).toEqual([['preview_change', undefined], ['change', undefined], ['change', undefined]]);
    expect(actions[0]?.result).toMatchObject({ direction: 'upgrade', effective: 'now', currency: 'USD', credit: -1000, charge: 2500, net: 1500 });
    expect(actions[1]?.result).toMatchObject({ status: 'applied', preview: { net: 1500 } });
    expect(actions[2]?.result).toMatchObject({ status: 'applied', preview: { net: 800 } });
    expect(timeline.final?.items).toEqual([{ priceId: 'pro', quantity: 1 }, { priceId: 'seat', quantity: 5 }]);
  });
});

describe('three-d-secure.json', () => {
  it('each invoice waits for the customer to authenticate, then the webhook pays it', async () => {
    const timeline = await runScenario(await example('three-d-secure'), options());
    expect(timeline.invoices.map((i) => [i.number, day(i.periodStart), i.total, i.status, hour(i.paidAt)])).toEqual([
      ['INV-000001', '2030-05-01', 9900, 'paid', '2030-05-01T02'], // authenticated at 02:00
      ['INV-000002', '2030-06-01', 9900, 'paid', '2030-06-01T06'], // authenticated at 06:00
    ]);
    // Each first attempt asks for 3-D Secure when made, and succeeds when the customer authenticates.
    const attempts = timeline.events.filter((e): e is Extract<TimelineEvent, { type: 'payment_attempt' }> => e.type === 'payment_attempt');
    expect(attempts.map((a) => [a.invoice, a.attempt, a.status, hour(a.at)])).toEqual([
      ['INV-000001', 1, 'requires_action', '2030-05-01T00'],
      ['INV-000001', 1, 'succeeded', '2030-05-01T02'],
      ['INV-000002', 1, 'requires_action', '2030-06-01T00'],
      ['INV-000002', 1, 'succeeded', '2030-06-01T06'],
    ]);
    expect(statusChanges(timeline)).toEqual([
      ['incomplete', 'active', 'invoice_paid', '2030-05-01T02'],
      ['active', 'past_due', 'payment_failed', '2030-06-01T00'],
      ['past_due', 'active', 'invoice_paid', '2030-06-01T06'],
    ]);
  });
});

/** What a `usage` action reports in the timeline. */
interface UsageResult {
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  billable: number;
  notBillable: Record<string, number>;
}

const usageLines = (timeline: Timeline, number: string) =>
  (timeline.invoices.find((i) => i.number === number)?.lines ?? []).filter((l) => l.kind === 'usage').map((l) => [l.meter, l.quantity, l.unitAmount, l.amount, day(l.periodStart), day(l.periodEnd)]);

describe('usage-in-arrears.json', () => {
  let timeline: Timeline;
  beforeAll(async () => {
    timeline = await runScenario(await example('usage-in-arrears'), options());
  });

  it("bills March's usage on the April 1 invoice, with the events that arrived during the grace period", () => {
    // March: 1,000 calls + 1 (its repeat is a duplicate) + 500 sent at 00:30 on April 1, timestamped
    // March 31 23:00, inside the 1-hour grace: 1,501 calls × 0.2¢ = 300.2¢ → 300.
    // Tokens: 2 × 50,000 = 100,000; the first 1,000 free, 99,000 × 0.001¢ = 99¢.
    // April 1: 2000 (April's base fee, in advance) + 300 + 99 = 2399.
    expect(timeline.invoices.map((i) => [i.number, i.kind, i.status, i.total, i.amountPaid])).toEqual([
      ['INV-000001', 'recurring', 'paid', 2000, 2000],
      ['INV-000002', 'recurring', 'paid', 2399, 2399],
      ['INV-000003', 'final', 'paid', 52, 52],
    ]);
    expect(usageLines(timeline, 'INV-000002')).toEqual([
      ['api_calls', '1501', '0.2', 300, '2030-03-01', '2030-04-01'],
      ['tokens', '100000', null, 99, '2030-03-01', '2030-04-01'],
    ]);
    // Held as a draft for the grace period, finalized by the workflow's timer at 01:00.
    expect(hour(timeline.invoices[1]?.finalizedAt)).toBe('2030-04-01T01');
  });

  it('bills calls that arrived after the grace period as a late-usage adjustment labelled with March, and April to the cancel instant', () => {
    // Cancel now on April 20: April 1–20 has no calls (the 250 sent on April 2 are March's) and
    // 3,000 tokens: (3,000 − 1,000 free) × 0.001¢ = 2¢. March now holds 1,751 calls:
    // 1,751 × 0.2¢ = 350.2¢ → 350, 300 billed, so 50 more for 250 calls. 0 + 2 + 50 = 52.
    expect(usageLines(timeline, 'INV-000003')).toEqual([
      ['api_calls', '0', '0.2', 0, '2030-04-01', '2030-04-20'],
      ['tokens', '3000', null, 2, '2030-04-01', '2030-04-20'],
      ['api_calls', '250', '0.2', 50, '2030-03-01', '2030-04-01'],
    ]);
    expect(timeline.invoices[2]?.lines.map((l) => l.description)[2]).toMatch(/^Late usage: /);
    expect(timeline.final?.status).toBe('canceled');
  });

  it('acknowledges the repeated transaction id as a duplicate and counts every event once', async () => {
    const usageActions = timeline.events.filter((e): e is Extract<TimelineEvent, { type: 'action' }> => e.type === 'action' && e.action === 'usage');
    const results = usageActions.map((e) => e.result as UsageResult);
    expect(results.map((r) => [r.events, r.accepted, r.duplicates, r.rejected])).toEqual([
      [1000, 1000, 0, 0],
      [2, 2, 0, 0],
      [1, 1, 0, 0],
      [1, 0, 1, 0],
      [500, 500, 0, 0],
      [250, 250, 0, 0],
      [1, 1, 0, 0],
    ]);
    // Reconciled: every accepted call is billed exactly once, across all invoices and adjustments.
    const scenario = parseScenario(await example('usage-in-arrears'));
    const meterOf = (index: number) => { const a = scenario.actions[index]; return a?.type === 'usage' ? a.meter : undefined; };
    const acceptedCalls = usageActions.filter((e) => meterOf(e.index) === 'api_calls').reduce((sum, e) => sum + (e.result as UsageResult).accepted, 0);
    const billedCalls = timeline.invoices.flatMap((i) => i.lines).filter((l) => l.meter === 'api_calls').reduce((sum, l) => sum + Number(l.quantity), 0);
    expect([acceptedCalls, billedCalls]).toEqual([1751, 1751]); // 1,000 + 1 + 500 + 250
  });
});

describe('quota-and-spend-threshold.json', () => {
  let timeline: Timeline;
  beforeAll(async () => {
    timeline = await runScenario(await example('quota-and-spend-threshold'), options());
  }, 300_000);

  it('issues a threshold invoice each time accrued usage reaches $5, and April’s invoice bills only the rest', () => {
    // Calls are free up to 100 a month, then 2¢. Threshold 500¢.
    // Mar 5: 400 calls → (400 − 100) × 2 = 600 ≥ 500 → threshold invoice of 600.
    // Mar 10: 550 calls → 450 × 2 = 900, less 600 invoiced = 300 < 500 → nothing.
    // Mar 15: 1,000 calls → 900 × 2 = 1,800, less 600 = 1,200 ≥ 500 → threshold invoice of 1,200.
    // Mar 20: 1,050 calls → 950 × 2 = 1,900, less 1,800 = 100 accrued.
    // Apr 1: April's fee 1,000 + March's 1,900 − 1,800 = 100 → 1,100.
    expect(timeline.invoices.map((i) => [i.number, i.kind, i.status, i.total])).toEqual([
      ['INV-000001', 'recurring', 'paid', 1000],
      ['INV-000002', 'threshold', 'paid', 600],
      ['INV-000003', 'threshold', 'paid', 1200],
      ['INV-000004', 'recurring', 'paid', 1100],
    ]);
    // Together March's usage is billed once: 600 + 1,200 + 100 = 1,900 = 950 × 2¢.
    const usage = timeline.invoices.flatMap((i) => i.lines.filter((l) => l.kind === 'usage').map((l) => [i.number, l.quantity, l.amount]));
    expect(usage).toEqual([
      ['INV-000002', '400', 600],
      ['INV-000003', '1000', 1200],
      ['INV-000004', '1050', 100],
    ]);
    expect(day(timeline.invoices[1]?.finalizedAt)).toBe('2030-03-05');
    expect(day(timeline.invoices[2]?.finalizedAt)).toBe('2030-03-15');
  });

  it('answers the quota checks: all left, none left at the limit (hard), and reset on April 1', () => {
    const checks = timeline.events.filter((e): e is Extract<TimelineEvent, { type: 'action' }> => e.type === 'action' && e.action === 'check_entitlement').map((e) => e.result);
    expect(checks).toEqual([
      { featureKey: 'api_calls', type: 'metered', hasAccess: true, value: null, limit: '1000', usage: '0', remaining: '1000', overage: '0', resetsAt: '2030-04-01T00:00:00.000Z', soft: false },
      // 400 + 150 + 450 = 1,000: the limit reached, a hard limit denies.
      { featureKey: 'api_calls', type: 'metered', hasAccess: false, value: null, limit: '1000', usage: '1000', remaining: '0', overage: '0', resetsAt: '2030-04-01T00:00:00.000Z', soft: false },
      { featureKey: 'sso', type: 'boolean', hasAccess: true, value: null, limit: null, usage: null, remaining: null, overage: null, resetsAt: null, soft: false },
      { featureKey: 'api_calls', type: 'metered', hasAccess: true, value: null, limit: '1000', usage: '0', remaining: '1000', overage: '0', resetsAt: '2030-05-01T00:00:00.000Z', soft: false },
    ]);
  });

  it('fires the quota alert at 50% and at 100% of the limit, once each', () => {
    const alerts = timeline.events.filter((e) => e.type === 'usage_alert');
    // 50% of 1,000 = 500, crossed by the Mar 10 batch (550); 100% by the Mar 15 batch (1,000).
    expect(alerts).toEqual([
      { at: '2030-03-10T00:00:00.000Z', type: 'usage_alert', alert: 'quota', meter: 'api_calls', threshold: 'percent:50', thresholdQuantity: '500', usage: '550', periodStart: '2030-03-01T00:00:00.000Z' },
      { at: '2030-03-15T00:00:00.000Z', type: 'usage_alert', alert: 'quota', meter: 'api_calls', threshold: 'percent:100', thresholdQuantity: '1000', usage: '1000', periodStart: '2030-03-01T00:00:00.000Z' },
    ]);
  });
});

describe('usage-aggregations.json', () => {
  it('bills a time-weighted seat average, distinct users and filtered requests on May 1', async () => {
    const timeline = await runScenario(await example('usage-aggregations'), options());
    // Seats: 10 from April 1, 30 from April 16 (15 days each of April's 30): (10×15 + 30×15)/30 = 20,
    // × 500 = 10000. Users u1, u2, u1, u3: 3 distinct × 100 = 300. Requests: 5 in the EU (the 3 in
    // the US are read by no meter): one package of up to 1,000 = 1000. Total 11300; no grace period,
    // so finalized at 00:00.
    expect(timeline.invoices.map((i) => [i.number, i.total, i.status])).toEqual([
      ['INV-000001', 0, 'paid'],
      ['INV-000002', 11300, 'paid'],
    ]);
    expect(usageLines(timeline, 'INV-000002')).toEqual([
      ['seats', '20', '500', 10000, '2030-04-01', '2030-05-01'],
      ['active_users', '3', '100', 300, '2030-04-01', '2030-05-01'],
      ['eu_requests', '5', '1000', 1000, '2030-04-01', '2030-05-01'],
    ]);
    expect(hour(timeline.invoices[1]?.finalizedAt)).toBe('2030-05-01T00');
    const us = timeline.events.find((e) => e.type === 'action' && (e.result as UsageResult | undefined)?.notBillable.no_meter === 3);
    expect(us, 'the US requests are kept and reported as read by no meter').toBeDefined();
  });
});

describe('a malformed scenario', () => {
  const malformed = {
    name: 'broken',
    start: '2020-01-01T00:00:00Z',
    until: '2030-02-01T00:00:00Z',
    currency: 'USD',
    catalog: {
      prices: [
        { id: 'basic', product: 'Basic', pricing: { model: 'flat', amount: 1000, amont: 5 }, interval: { unit: 'fortnight', count: 1 } },
        { id: 'seat', product: 'Seat', pricing: { model: 'per_unit', unitAmount: -3 }, interval: { unit: 'month', count: 1 } },
      ],
    },
    customer: { paymentMethod: 'pm_card_nonsense' },
    subscription: { items: [{ price: 'gold', quantity: 0 }] },
    actions: [
      { at: '2030-01-10T00:00:00Z', type: 'teleport' },
      { at: '2030-01-05T00:00:00Z', type: 'cancel', mode: 'period_end', prorate: true },
    ],
    color: 'blue',
  };

  it('is refused before anything starts, with every bad field listed at its path', async () => {
    const error = await runScenario(malformed as unknown as ScenarioInput, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioValidationError);
    const issues = (error as ScenarioValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'catalog.prices[0].pricing.amont', // unknown field
        'catalog.prices[0].interval.unit', // not day/week/month/year
        'catalog.prices[1].pricing', // the domain factory refuses a negative unit amount
        'customer.paymentMethod', // not a test payment method the sandbox knows
        'subscription.items[0].quantity', // at least 1
        'subscription.items[0].price', // no price "gold" in the catalog
        'actions[0].type', // no such action
        'actions[1].at', // before the previous action
        'actions[1].prorate', // only with mode "now"
        'color', // unknown field
        'start', // in the past
      ].sort(),
    );
    expect(issues.find((i) => i.path === 'start')?.message).toMatch(/in the past.*only moves forward/);
    expect(issues.find((i) => i.path === 'subscription.items[0].price')?.message).toMatch(/no price "gold" in the catalog \(known: basic, seat\)/);
    expect((error as Error).message).toContain(`Invalid scenario (${issues.length} problems)`);
  });

  it('refuses usage that names no meter, both a meter and an event, a value for a count, and an unknown metered price meter', () => {
    const scenario = {
      name: 'bad-usage',
      start: '2031-01-01T00:00:00Z',
      until: '2031-02-01T00:00:00Z',
      currency: 'USD',
      settings: { usageGracePeriodHours: 100 },
      catalog: {
        meters: [
          { key: 'calls', aggregation: 'count' },
          { key: 'calls', aggregation: 'sum' },
          { key: 'bytes', aggregation: 'sum' },
        ],
        prices: [{ id: 'p', product: 'P', meter: 'tokens', pricing: { model: 'per_unit', unitAmount: '0.1' }, interval: { unit: 'month' } }],
      },
      customer: { paymentMethod: 'pm_card_visa' },
      subscription: { items: [{ price: 'p', quantity: 1 }] },
      actions: [
        { at: '2031-01-02T00:00:00Z', type: 'usage' },
        { at: '2031-01-03T00:00:00Z', type: 'usage', meter: 'calls', event: 'calls' },
        { at: '2031-01-04T00:00:00Z', type: 'usage', meter: 'calls', value: 3 },
        { at: '2031-01-05T00:00:00Z', type: 'usage', meter: 'nope', count: 0 },
      ],
    };
    const error = (() => {
      try {
        parseScenario(scenario, { now: Date.parse('2030-01-01T00:00:00Z') });
      } catch (e) {
        return e as ScenarioValidationError;
      }
      throw new Error('accepted');
    })();
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      [
        'settings.usageGracePeriodHours', // 0 to 72
        'catalog.meters[1].key', // repeats "calls"
        'catalog.meters[1]', // a sum needs a valueProperty
        'catalog.meters[2]', // likewise
        'catalog.prices[0].meter', // no meter "tokens"
        'actions[0]', // neither meter nor event
        'actions[1]', // both
        'actions[2].value', // a count meter reads no value
        'actions[3].meter', // no meter "nope"
        'actions[3].count', // at least 1
      ].sort(),
    );
  });

  it('refuses features, entitlements, alerts and checks that name what the catalog lacks or do not fit the feature', () => {
    const scenario = {
      name: 'bad-entitlements',
      start: '2031-01-01T00:00:00Z',
      until: '2031-02-01T00:00:00Z',
      currency: 'USD',
      catalog: {
        meters: [{ key: 'calls', aggregation: 'count' }],
        features: [
          { key: 'quota', type: 'metered' },
          { key: 'sso', type: 'boolean', meter: 'calls' },
          { key: 'seats', type: 'static' },
        ],
        prices: [
          {
            id: 'p',
            product: 'P',
            pricing: { model: 'flat', amount: 100 },
            interval: { unit: 'month' },
            entitlements: [{ feature: 'quota' }, { feature: 'sso', limit: 5 }, { feature: 'seats' }, { feature: 'nope' }],
          },
        ],
      },
      customer: { paymentMethod: 'pm_card_visa' },
      subscription: { items: [{ price: 'p', quantity: 1 }], usageAlerts: [{ meter: 'tokens', thresholds: [{ percentOfLimit: 50 }] }] },
      actions: [{ at: '2031-01-02T00:00:00Z', type: 'check_entitlement', feature: 'gold' }],
    };
    const error = (() => {
      try {
        parseScenario(scenario, { now: Date.parse('2030-01-01T00:00:00Z') });
      } catch (e) {
        return e as ScenarioValidationError;
      }
      throw new Error('accepted');
    })();
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      [
        'catalog.features[0].meter', // a metered feature names its meter
        'catalog.features[1]', // a boolean one has none
        'catalog.prices[0].entitlements[0].limit', // metered: granted with a limit
        'catalog.prices[0].entitlements[1].limit', // boolean: no limit
        'catalog.prices[0].entitlements[2].value', // static: granted with a value
        'catalog.prices[0].entitlements[3].feature', // no feature "nope"
        'subscription.usageAlerts[0].meter', // no meter "tokens"
        'subscription.usageAlerts[0].feature', // a percentage needs its feature
        'actions[0].feature', // no feature "gold"
      ].sort(),
    );
  });

  it('every shipped example is valid', async () => {
    for (const name of ['trial-then-renewals', 'mid-period-upgrade', 'dunning-recovery', 'cancel-with-credit', 'three-d-secure', 'usage-in-arrears', 'usage-aggregations', 'anchored-to-the-first', 'setup-fee-and-credit-notes', 'quota-and-spend-threshold']) {
      expect(parseScenario(await example(name)).name).toBe(name);
    }
    // And the README's full example, every optional field shown.
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const full = /### The format[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(parseScenario(JSON.parse(full ?? 'null')).name).toBe('pro-with-seats');
  });
});
