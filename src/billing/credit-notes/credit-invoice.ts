import { newId } from '../../ids.js';
import type { PaymentGateway } from '../../payments/gateway.js';
import { isBillingError } from '../failures.js';
import { requireInvoice } from '../invoices/invoice-summary.js';
import type { SubscriptionCommandDependencies } from '../subscriptions/command-dependencies.js';
import { parseInput } from '../validation.js';
import { createCreditNote, createCreditNoteInput, type CreateCreditNoteInput } from './create-credit-note.js';
import { issueCreditNote } from './issue-credit-note.js';
import type { CreditNoteView } from './views.js';

/**
 * `POST /v1/invoices/{id}/credit-notes`. A paid invoice is credited here (refund or balance). An
 * open one is credited by the workflow collecting it — its subscription's or its own — inside its
 * step, so the note can never land beside a charge in flight; once nothing collects it any more
 * (the subscription ended, or dunning left it open), no charge can race and it is credited here.
 */
export async function creditInvoice(deps: SubscriptionCommandDependencies & { gateway: PaymentGateway }, input: CreateCreditNoteInput): Promise<CreditNoteView> {
  const parsed = parseInput(createCreditNoteInput, { ...input, byCollector: false });
  const now = new Date(await deps.now());
  const invoice = await requireInvoice(deps.prisma, parsed.tenantId, parsed.invoiceId);
  if (invoice.status !== 'open') return issueCreditNote(deps.prisma, deps.gateway, input, now);
  const id = parsed.id ?? newId('cn');
  const request = {
    invoiceId: invoice.id,
    creditNoteId: id,
    reason: parsed.reason,
    ...(parsed.lines === undefined ? {} : { lines: parsed.lines }),
    ...(parsed.amount === undefined ? {} : { amount: parsed.amount }),
    ...(parsed.memo === undefined || parsed.memo === null ? {} : { memo: parsed.memo }),
    ...(parsed.outcome === undefined ? {} : { outcome: parsed.outcome }),
  };
  try {
    const result =
      invoice.subscriptionId === null
        ? await deps.workflows.creditOneOffInvoice(invoice.id, request, `credit:${id}`)
        : await deps.workflows.creditInvoice(invoice.subscriptionId, request, `credit:${id}`);
    return result.creditNote;
  } catch (error) {
    if (!isBillingError(error, 'subscription_ended') && !isBillingError(error, 'collection_ended')) throw error;
    return createCreditNote(deps.prisma, { ...input, id, byCollector: true }, now);
  }
}
