import type { CreditBalanceTransaction, Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { moneyFromColumn } from '../amounts.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { creditBalanceOf } from './credit-balance.js';

/**
 * One entry of a customer's credit ledger: positive adds credit, negative uses or removes it
 * (the sign convention is in views.ts). `sourceKey` names what the entry is for
 * (`invoice:<id>:credit_applied`, `adjustment:<id>`…) and is unique per tenant.
 */
export interface CreditLedgerEntry {
  tenantId: string;
  customerId: string;
  amount: bigint;
  currency: string;
  reason: string;
  invoiceId: string | null;
  sourceKey: string;
}

/**
 * The credit ledger's only writer. Every credit movement (an adjustment, credit applied to or
 * banked from an invoice, a prorated cancellation, credit given back by a void) goes through
 * here, inside the caller's transaction and under the customer's row lock (`lockCustomer`), so a
 * balance check and the entry it allows cannot be split by a concurrent writer. The same source
 * key posts once: a second call returns the first entry and `created: false`. Each entry is one
 * `credit_balance.adjusted` event, with the balance it leaves.
 */
export async function postCreditEntry(tx: Prisma.TransactionClient, entry: CreditLedgerEntry): Promise<{ entry: CreditBalanceTransaction; created: boolean }> {
  const existing = await tx.creditBalanceTransaction.findUnique({ where: { tenantId_sourceKey: { tenantId: entry.tenantId, sourceKey: entry.sourceKey } } });
  if (existing !== null) return { entry: existing, created: false };
  const created = await tx.creditBalanceTransaction.create({
    data: {
      id: newId('cbt'),
      tenantId: entry.tenantId,
      customerId: entry.customerId,
      amount: entry.amount,
      currency: entry.currency,
      reason: entry.reason,
      invoiceId: entry.invoiceId,
      sourceKey: entry.sourceKey,
    },
  });
  const balance = await creditBalanceOf(tx, entry);
  await writeOutboxEvents(tx, entry.tenantId, [
    {
      type: 'credit_balance.adjusted',
      aggregateType: 'customer',
      aggregateId: entry.customerId,
      dedupeKey: `credit:${created.id}`,
      payload: {
        customerId: entry.customerId,
        transactionId: created.id,
        amount: moneyFromColumn(entry.amount, entry.currency),
        balance: moneyFromColumn(balance, entry.currency),
        reason: entry.reason,
        invoiceId: entry.invoiceId,
      },
    },
  ]);
  return { entry: created, created: true };
}
