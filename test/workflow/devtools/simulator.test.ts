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
    expect(actions[0]?.result).toMatchObject({ direction: 'upgrade', effective: 'now', credit: { amount: -1000 }, charge: { amount: 2500 }, net: { amount: 1500 } });
    expect(actions[1]?.result).toMatchObject({ status: 'applied', preview: { net: { amount: 1500 } } });
    expect(actions[2]?.result).toMatchObject({ status: 'applied', preview: { net: { amount: 800 } } });
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

describe('a malformed scenario', () => {
  const malformed = {
    name: 'broken',
    start: '2020-01-01T00:00:00Z',
    until: '2030-02-01T00:00:00Z',
    currency: 'USD',
    catalog: {
      prices: [
        { id: 'basic', product: 'Basic', definition: { model: 'flat', amount: 1000, amont: 5 }, interval: { unit: 'fortnight', count: 1 } },
        { id: 'seat', product: 'Seat', definition: { model: 'per_unit', unitAmount: -3 }, interval: { unit: 'month', count: 1 } },
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
        'catalog.prices[0].definition.amont', // unknown field
        'catalog.prices[0].interval.unit', // not day/week/month/year
        'catalog.prices[1].definition', // the domain factory refuses a negative unit amount
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

  it('every shipped example is valid', async () => {
    for (const name of ['trial-then-renewals', 'mid-period-upgrade', 'dunning-recovery', 'cancel-with-credit', 'three-d-secure']) {
      expect(parseScenario(await example(name)).name).toBe(name);
    }
  });
});
