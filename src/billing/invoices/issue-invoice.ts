import type { PrismaClient } from '../../db/prisma-client.js';
import { isUniqueViolation, runInTransaction } from '../db.js';
import { lockCustomer } from '../locks.js';
import { persistSubscriptionStateInTransaction, type PersistSubscriptionStateInput } from '../subscriptions/persist-subscription-state.js';
import { applyCreditBalanceInTransaction } from './apply-credit-balance.js';
import { draftInvoiceInTransaction } from './create-invoice.js';
import { finalizeInvoiceInTransaction } from './finalize-invoice.js';
import type { CreateInvoiceInput } from './invoice-input.js';
import { toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

export interface IssueInvoiceInput {
  invoice: CreateInvoiceInput;
  /** Subscription states the workflow has not written yet, oldest first, written in the same transaction (versioned: a retry writes nothing twice). */
  pending?: PersistSubscriptionStateInput[];
}

/**
 * Issues an invoice in one transaction: the draft for its source key (created, or found when a
 * retry or a concurrent run made it), the customer's credit balance applied, finalized with the
 * next number (paid at once when nothing is due), after the subscription states still to write.
 * Each part is idempotent on its own, so a retry after any failure — even after the commit —
 * returns the same invoice with the same number and writes nothing again. The number is taken
 * last, so the tenant's numbering lock is held only for the commit.
 */
export async function issueInvoice(prisma: PrismaClient, input: IssueInvoiceInput, now: Date): Promise<InvoiceSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runInTransaction(prisma, async (tx) => {
        const { tenantId, sourceKey } = input.invoice;
        // The customer first (the lock order in src/billing/locks.ts): inserting the invoice takes a
        // key-share lock on the customer row, so two invoices of one customer issued at once would
        // otherwise deadlock on the credit balance's customer lock below.
        await lockCustomer(tx, tenantId, input.invoice.customerId);
        const existing = await tx.invoice.findUnique({ where: { tenantId_sourceKey: { tenantId, sourceKey } } });
        const draft = existing === null ? await draftInvoiceInTransaction(tx, input.invoice, now) : toInvoiceSummary(existing);
        await applyCreditBalanceInTransaction(tx, { tenantId, invoiceId: draft.invoiceId, customerId: input.invoice.customerId });
        for (const persist of input.pending ?? []) await persistSubscriptionStateInTransaction(tx, persist, now);
        return finalizeInvoiceInTransaction(tx, { tenantId, invoiceId: draft.invoiceId }, now);
      });
    } catch (error) {
      // A concurrent run inserted the same source key first: the next attempt finds its invoice.
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
