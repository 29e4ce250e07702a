import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { SandboxFaults } from '../../../../src/devtools/stripe-sandbox/index.js';
import { type SandboxHarness, startSandbox } from './sandbox-harness.js';

type Outcome = 'succeeded' | 'declined' | 'gave_up';

/** What a well-behaved gateway does: retry transient failures with the same key, stop on card errors. */
async function chargeInvoice(stripe: Stripe, invoiceId: string, token: string, maxTries: number, concurrent: boolean): Promise<Outcome> {
  const params = { amount: 2_500, currency: 'usd', payment_method: token, confirm: true, off_session: true, metadata: { invoice_id: invoiceId } };
  const key = `invoice:${invoiceId}:attempt:1`;
  const once = async (): Promise<Outcome | 'retry'> => {
    try {
      const pi = await stripe.paymentIntents.create(params, { idempotencyKey: key });
      return pi.status === 'succeeded' ? 'succeeded' : 'retry';
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) return 'declined';
      if (
        error instanceof Stripe.errors.StripeConnectionError ||
        error instanceof Stripe.errors.StripeRateLimitError ||
        (error instanceof Stripe.errors.StripeError && (error.statusCode === 409 || (error.statusCode ?? 0) >= 500))
      ) {
        return 'retry';
      }
      throw error;
    }
  };
  for (let i = 0; i < maxTries; i++) {
    // A retry storm: two workers with the same key at once, as when an activity is retried early.
    const results = concurrent && i === 0 ? await Promise.all([once(), once()]) : [await once()];
    const final = results.find((r) => r !== 'retry');
    if (final) return final;
  }
  return 'gave_up';
}

const TOKENS = ['pm_card_visa', 'pm_card_mastercard', 'pm_card_chargeDeclined', 'pm_card_chargeDeclinedInsufficientFunds'] as const;

async function withSandbox<T>(seed: number, faults: SandboxFaults, run: (h: SandboxHarness) => Promise<T>): Promise<T> {
  const h = await startSandbox({ seed, faults });
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

describe('idempotency under random faults (property)', () => {
  it('each idempotency key yields at most one successful charge, and exactly one when the caller saw success', async () => {
    const rate = fc.double({ min: 0, max: 0.2, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.record({ rateLimitRate: rate, serverErrorRate: rate, dropAfterCommitRate: rate, slowRate: rate }),
        fc.array(fc.record({ token: fc.constantFrom(...TOKENS), tries: fc.integer({ min: 1, max: 6 }), concurrent: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (seed, rates, invoices) =>
          withSandbox(seed, { ...rates, slowMs: 5 }, async (h) => {
            const outcomes = await Promise.all(
              invoices.map((invoice, i) => chargeInvoice(h.stripe, `inv_${i}`, invoice.token, invoice.tries, invoice.concurrent)),
            );
            outcomes.forEach((outcome, i) => {
              const successes = h.sandbox.successfulChargesFor('invoice_id', `inv_${i}`);
              expect(successes.length).toBeLessThanOrEqual(1);
              if (outcome === 'succeeded') expect(successes).toHaveLength(1);
              if (outcome === 'declined') expect(successes).toHaveLength(0);
              for (const charge of successes) expect(charge.idempotencyKey).toBe(`invoice:inv_${i}:attempt:1`);
            });
          }),
      ),
      // A failure found late still reports its (partly shrunk) counterexample within the test timeout.
      { numRuns: 25, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true },
    );
  }, 30_000);

  it('200 invoices with 20% injected faults end with exactly one successful charge each', async () => {
    await withSandbox(2024, { rateLimitRate: 0.06, serverErrorRate: 0.06, dropAfterCommitRate: 0.06, slowRate: 0.02, slowMs: 5 }, async (h) => {
      const ids = Array.from({ length: 200 }, (_, i) => `inv_${i}`);
      const outcomes = await Promise.all(ids.map((id) => chargeInvoice(h.stripe, id, 'pm_card_visa', 20, false)));
      expect(outcomes.every((o) => o === 'succeeded')).toBe(true);
      for (const id of ids) expect(h.sandbox.successfulChargesFor('invoice_id', id)).toHaveLength(1);
      expect(h.sandbox.ledger()).toHaveLength(200);
    });
  }, 20_000);
});
