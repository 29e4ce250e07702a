import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { translateStripeEvent } from '../../../../src/payments/webhooks/translate-stripe-event.js';

/** A Stripe event of `type` around `object`, created 2026-03-01T00:00:00Z (1772323200). */
function event(type: string, object: Record<string, unknown>): Stripe.Event {
  return { id: `evt_${type}`, object: 'event', type, created: 1772323200, data: { object } } as unknown as Stripe.Event;
}

const metadata = { tenant_id: 'ten_1', invoice_id: 'inv_1', subscription_id: 'sub_1', attempt: '2' };
const references = { eventId: expect.stringMatching(/^evt_/) as unknown, occurredAt: '2026-03-01T00:00:00.000Z', tenantId: 'ten_1', invoiceId: 'inv_1', subscriptionId: 'sub_1', attempt: 2 };

describe('translateStripeEvent', () => {
  it('a succeeded PaymentIntent pays with the amount received', () => {
    const translated = translateStripeEvent(event('payment_intent.succeeded', { id: 'pi_1', amount: 4900, amount_received: 4900, currency: 'usd', latest_charge: 'ch_1', metadata }));
    expect(translated).toEqual({
      trackedStatus: 'succeeded',
      event: { ...references, paymentIntentId: 'pi_1', kind: 'payment_succeeded', amount: { amount: 4900, currency: 'USD' }, chargeId: 'ch_1' },
    });
  });

  it('a failure carries the decline code and whether it is hard', () => {
    const soft = translateStripeEvent(
      event('payment_intent.payment_failed', { id: 'pi_2', amount: 4900, currency: 'usd', metadata, last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } }),
    );
    expect(soft).toMatchObject({ trackedStatus: 'failed', event: { kind: 'payment_failed', code: 'card_declined', declineCode: 'insufficient_funds', hardDecline: false } });
    const hard = translateStripeEvent(event('payment_intent.payment_failed', { id: 'pi_3', amount: 4900, currency: 'usd', metadata, last_payment_error: { code: 'card_declined', decline_code: 'stolen_card' } }));
    expect(hard).toMatchObject({ event: { declineCode: 'stolen_card', hardDecline: true, message: 'The payment failed.' } });
    // Without a decline code the error code stands in for it.
    const expired = translateStripeEvent(event('payment_intent.payment_failed', { id: 'pi_4', amount: 4900, currency: 'usd', metadata, last_payment_error: { code: 'expired_card' } }));
    expect(expired).toMatchObject({ event: { code: 'expired_card', declineCode: 'expired_card', hardDecline: true } });
  });

  it('an off-session failure that needs 3-D Secure waits on the customer, like requires_action', () => {
    const translated = translateStripeEvent(event('payment_intent.payment_failed', { id: 'pi_5', amount: 4900, currency: 'usd', metadata, last_payment_error: { code: 'authentication_required' } }));
    expect(translated).toMatchObject({ trackedStatus: 'requires_action', event: { kind: 'payment_requires_action', amount: { amount: 4900, currency: 'USD' } } });
  });

  it('refunds and disputes carry their charge', () => {
    expect(translateStripeEvent(event('charge.refunded', { id: 'ch_1', payment_intent: { id: 'pi_1' }, amount_refunded: 1000, refunded: false, currency: 'eur', metadata }))).toMatchObject({
      trackedStatus: null,
      event: { kind: 'payment_refunded', chargeId: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: { amount: 1000, currency: 'EUR' }, fullyRefunded: false },
    });
    expect(translateStripeEvent(event('charge.dispute.created', { id: 'dp_1', charge: 'ch_1', payment_intent: 'pi_1', amount: 4900, currency: 'usd', reason: 'fraudulent', status: 'needs_response', metadata: {} }))).toMatchObject({
      event: { kind: 'payment_disputed', chargeId: 'ch_1', disputeId: 'dp_1', reason: 'fraudulent', status: 'needs_response', tenantId: null, attempt: null },
    });
    // The network's decision arrives as the same kind, with the dispute's final status.
    expect(translateStripeEvent(event('charge.dispute.closed', { id: 'dp_1', charge: 'ch_1', payment_intent: 'pi_1', amount: 4900, currency: 'usd', reason: 'fraudulent', status: 'lost', metadata: {} }))).toMatchObject({
      event: { kind: 'payment_disputed', disputeId: 'dp_1', status: 'lost', amount: { amount: 4900, currency: 'USD' } },
    });
  });

  it('ignores other event types, and a malformed attempt number reads as unknown', () => {
    expect(translateStripeEvent(event('customer.created', { id: 'cus_1' }))).toBeNull();
    const translated = translateStripeEvent(event('payment_intent.requires_action', { id: 'pi_6', amount: 100, currency: 'jpy', metadata: { ...metadata, attempt: 'two' } }));
    expect(translated?.event).toMatchObject({ kind: 'payment_requires_action', attempt: null, amount: { amount: 100, currency: 'JPY' } });
  });
});
