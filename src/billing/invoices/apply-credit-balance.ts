import { applyCreditBalance as applyBalance } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { columnFromMoney, moneyFromColumn } from '../amounts.js';
import { creditBalanceOf } from '../credit/credit-balance.js';
import { postCreditEntry } from '../credit/credit-ledger.js';
import { runInTransaction } from '../db.js';
import { lockCustomer, lockInvoice } from '../locks.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

/**
 * Uses the customer's credit balance on a draft invoice, with the domain's rule: a positive total
 * takes min(balance, total) from the balance; a negative total (a net credit from prorations) is
 * banked onto the balance and nothing is due. The ledger entry's source key
 * (`invoice:<id>:credit_applied` / `credit_banked`) makes a second run find the first. The
 * customer row is locked first, so two invoices of one customer never spend the same credit.
 */
export async function applyCreditBalance(prisma: PrismaClient, input: { tenantId: string; invoiceId: string }): Promise<InvoiceSummary> {
  const { customerId } = await requireInvoice(prisma, input.tenantId, input.invoiceId);
  return runInTransaction(prisma, (tx) => applyCreditBalanceInTransaction(tx, { ...input, customerId }));
}

export async function applyCreditBalanceInTransaction(tx: Prisma.TransactionClient, input: { tenantId: string; invoiceId: string; customerId: string }): Promise<InvoiceSummary> {
  const { tenantId, invoiceId, customerId } = input;
  await lockCustomer(tx, tenantId, customerId);
  await lockInvoice(tx, tenantId, invoiceId);
  const invoice = await requireInvoice(tx, tenantId, invoiceId);
  const appliedKey = `invoice:${invoice.id}:credit_applied`;
  const bankedKey = `invoice:${invoice.id}:credit_banked`;
  const done = await tx.creditBalanceTransaction.count({ where: { tenantId, sourceKey: { in: [appliedKey, bankedKey] } } });
  // Finalized invoices keep what they had; a draft already credited was credited by an earlier run.
  if (invoice.status !== 'draft' || done > 0) return toInvoiceSummary(invoice);
  const balance = await creditBalanceOf(tx, { tenantId, customerId, currency: invoice.currency });
  const total = moneyFromColumn(invoice.total, invoice.currency);
  const credit = applyBalance(total, moneyFromColumn(balance, invoice.currency));
  if (credit.applied.amount !== 0) {
    const banked = credit.applied.amount < 0;
    await postCreditEntry(tx, {
      tenantId,
      customerId,
      // The ledger moves opposite to the invoice: credit used is a debit, a net credit is banked.
      amount: -columnFromMoney(credit.applied),
      currency: invoice.currency,
      reason: banked ? 'invoice_net_credit' : 'applied_to_invoice',
      invoiceId: invoice.id,
      sourceKey: banked ? bankedKey : appliedKey,
    });
  }
  const updated = await tx.invoice.update({
    where: { id: invoice.id },
    data: { creditApplied: columnFromMoney(credit.applied), amountDue: columnFromMoney(credit.amountDue) },
  });
  return toInvoiceSummary(updated);
}
