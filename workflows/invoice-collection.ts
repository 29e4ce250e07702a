import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { chargeFailureCode } from './charge-failure-code.js';
import type { ChargeInvoiceResult } from '../activities/types.js';
import { nextDunningStep, type DunningPolicy } from '../src/domain/index.js';
import type { PaymentEvent } from '../src/payments/payment-events.js';
import {
  creditOneOffInvoiceUpdate,
  invoiceCollectionQuery,
  invoicePaymentEventSignal,
  invoicePaymentMethodUpdatedSignal,
  payOneOffInvoiceUpdate,
  voidOneOffInvoiceUpdate,
  type InvoiceCollectionInput,
  type InvoiceCollectionView,
  type PayOneOffInvoiceResult,
} from './invoice-collection-messages.js';
import { chargeActivity, localBilling } from './subscription-activities.js';
import { validateCreditInvoice } from './subscription-invoice-actions.js';
import type { CreditInvoiceRequest } from './subscription-messages.js';

const FINISHED = new Set<InvoiceCollectionView['state']>(['paid', 'void', 'uncollectible', 'closed']);

/**
 * Collects one one-off invoice (workflow `invoice:<id>`) by the same rules a subscription's
 * invoice is collected: charged at once, retried by the tenant's dunning policy from the first
 * failure, then marked uncollectible or left open as the policy says; "pay now", void, credit
 * notes, a new payment method (charged at once) and the gateway's webhooks reach it as Updates
 * and signals. Charges use the
 * invoice's attempt numbers (`invoice:<id>:attempt:<n>`), continuing from `attemptsBefore` when a
 * later run collects it again, so no charge is ever repeated under a new key by accident.
 */
export async function invoiceCollectionWorkflow(input: InvoiceCollectionInput & { attemptsBefore?: number }): Promise<InvoiceCollectionView> {
  const { tenantId, invoiceId } = input;
  const offset = input.attemptsBefore ?? 0;
  const view: InvoiceCollectionView = { invoiceId, state: 'collecting', attempts: [], nextRetryAt: Date.now() };
  const events: PaymentEvent[] = [];
  const seenEvents = new Set<string>();
  let busy = false;
  let wake = false;
  let dunning: DunningPolicy | null = null;
  const finished = () => FINISHED.has(view.state);

  /** After a failed attempt: the next retry, or the policy's final state for the invoice. */
  async function dunAfterFailure(attempt: number, outcome: ChargeInvoiceResult): Promise<void> {
    dunning ??= (await localBilling.loadBillingPolicy({ tenantId })).dunning;
    const step = nextDunningStep(dunning, view.attempts.map((a) => ({ at: a.at, outcome: 'failed' as const, declineCode: a.declineCode })));
    view.nextRetryAt = step.kind === 'retry' ? step.at : null;
    await localBilling.recordPaymentOutcome({ tenantId, invoiceId, attempt, outcome, nextRetryAt: view.nextRetryAt });
    if (step.kind !== 'final') {
      view.state = 'collecting';
    } else if (step.invoiceState === 'uncollectible') {
      await localBilling.markInvoiceUncollectible({ tenantId, invoiceId });
      view.state = 'uncollectible';
    } else {
      view.state = 'closed';
    }
  }

  async function charge(): Promise<ChargeInvoiceResult> {
    const at = Date.now();
    const attempt = offset + view.attempts.length + 1;
    const result = await chargeActivity.chargeInvoice({ tenantId, invoiceId, attempt });
    if (result.status === 'succeeded' || result.status === 'already_paid') {
      await localBilling.recordPaymentOutcome({ tenantId, invoiceId, attempt, outcome: result, nextRetryAt: null });
      view.state = 'paid';
      view.nextRetryAt = null;
      return result;
    }
    if (result.status === 'not_collectible') {
      view.state = result.invoiceStatus === 'void' ? 'void' : result.invoiceStatus === 'uncollectible' ? 'uncollectible' : 'closed';
      view.nextRetryAt = null;
      return result;
    }
    view.attempts.push({ at, outcome: result.status, declineCode: chargeFailureCode(result) });
    if (result.status === 'requires_action' || result.status === 'rejected') {
      // The customer must authenticate (a webhook ends it), or the gateway refused the request
      // itself: no retry can help, an operator pays again or voids.
      await localBilling.recordPaymentOutcome({ tenantId, invoiceId, attempt, outcome: result, nextRetryAt: null });
      view.state = 'waiting';
      view.nextRetryAt = null;
      return result;
    }
    await dunAfterFailure(attempt, result);
    return result;
  }

  /** Runs `work` alone: the loop's charge, "pay now" and void never overlap. */
  async function exclusively<T>(work: () => Promise<T>): Promise<T> {
    // Several waiters' conditions can resolve in one activation: each checks again when it resumes.
    while (busy) await condition(() => !busy);
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
      wake = true;
    }
  }

  async function applyPaymentEvent(event: PaymentEvent): Promise<void> {
    const attempt = event.attempt ?? offset + view.attempts.length;
    if (event.kind === 'payment_succeeded') {
      const outcome: ChargeInvoiceResult = { status: 'succeeded', paymentIntentId: event.paymentIntentId ?? '', chargeId: event.chargeId, idempotencyKey: `invoice:${invoiceId}:attempt:${attempt}` };
      await localBilling.recordPaymentOutcome({ tenantId, invoiceId, attempt, outcome, nextRetryAt: null });
      view.state = 'paid';
      view.nextRetryAt = null;
    } else if (event.kind === 'payment_failed' && view.state === 'waiting') {
      // The customer failed to authenticate: the attempt counts as declined and dunning goes on.
      const last = view.attempts.at(-1);
      if (last) last.declineCode = event.declineCode;
      const outcome: ChargeInvoiceResult = {
        status: 'declined',
        paymentIntentId: event.paymentIntentId ?? '',
        chargeId: null,
        code: event.code,
        declineCode: event.declineCode,
        message: event.message,
        hardDecline: event.hardDecline,
        idempotencyKey: `invoice:${invoiceId}:attempt:${attempt}`,
      };
      await dunAfterFailure(attempt, outcome);
    }
  }

  setHandler(invoiceCollectionQuery, () => view);
  setHandler(payOneOffInvoiceUpdate, (): Promise<PayOneOffInvoiceResult> =>
    exclusively(async () => {
      if (finished()) return { invoiceId, outcome: view.state === 'paid' ? 'already_paid' : 'not_collectible', declineCode: null };
      const result = await charge();
      return { invoiceId, outcome: result.status, declineCode: chargeFailureCode(result) };
    }),
  );
  setHandler(voidOneOffInvoiceUpdate, () =>
    exclusively(async () => {
      if (view.state !== 'paid' && view.state !== 'void') {
        await localBilling.voidInvoice({ tenantId, invoiceId });
        view.state = 'void';
        view.nextRetryAt = null;
      }
      return view;
    }),
  );
  setHandler(
    creditOneOffInvoiceUpdate,
    (request) =>
      exclusively(async () => {
        const { invoiceId: _same, creditNoteId, ...note } = request;
        const result = await localBilling.creditOpenInvoice({ tenantId, invoiceId, id: creditNoteId, ...note });
        if (result.invoice.status === 'paid') {
          view.state = 'paid';
          view.nextRetryAt = null;
        }
        return { creditNote: result.creditNote };
      }),
    { validator: (request: CreditInvoiceRequest) => validateCreditInvoice(request) },
  );
  setHandler(invoicePaymentEventSignal, (event) => {
    if (seenEvents.has(event.eventId)) return;
    seenEvents.add(event.eventId);
    events.push(event);
    wake = true;
  });
  setHandler(invoicePaymentMethodUpdatedSignal, () => {
    // A decline, or no card at all, is worth trying again on the new card; 3-D Secure waits for the customer.
    const last = view.attempts.at(-1);
    if (last !== undefined && (view.state === 'collecting' || (view.state === 'waiting' && last.outcome === 'no_payment_method'))) {
      view.state = 'collecting';
      view.nextRetryAt = Date.now();
      wake = true;
    }
  });

  while (!finished()) {
    const event = events.shift();
    if (event !== undefined) {
      await exclusively(() => applyPaymentEvent(event));
      continue;
    }
    if (view.state === 'collecting' && view.nextRetryAt !== null && Date.now() >= view.nextRetryAt) {
      await exclusively(charge);
      continue;
    }
    wake = false;
    const until = view.state === 'collecting' ? view.nextRetryAt : null;
    if (until === null) await condition(() => wake || finished());
    else await condition(() => wake || finished(), until - Date.now());
  }
  await condition(allHandlersFinished);
  return view;
}
