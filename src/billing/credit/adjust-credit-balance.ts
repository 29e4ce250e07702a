import { z } from 'zod';
import type { Money } from '../../domain/index.js';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { moneyFromColumn } from '../amounts.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { lockCustomer } from '../locks.js';
import { currencySchema, idSchema, parseInput } from '../validation.js';
import { creditBalanceOf } from './credit-balance.js';
import { postCreditEntry } from './credit-ledger.js';

const adjustCreditBalanceInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  /** Positive adds credit, negative removes it; never below a zero balance. */
  amount: z.object({ amount: z.int().refine((value) => value !== 0, { message: 'must not be zero' }), currency: currencySchema }),
  reason: z.string().trim().min(1),
  /** Names the adjustment: the same key adds nothing the second time (defaults to a fresh one). */
  sourceKey: idSchema.optional(),
  invoiceId: idSchema.nullish(),
});

export type AdjustCreditBalanceInput = z.input<typeof adjustCreditBalanceInput>;

export interface CreditBalanceAdjustment {
  transactionId: string;
  /** False when an entry with the same source key already existed (nothing was added). */
  created: boolean;
  balance: Money;
}

/**
 * One ledger entry for the customer's credit balance. The customer row is locked so two
 * concurrent debits cannot both pass the "enough credit" check.
 */
export async function adjustCreditBalance(prisma: PrismaClient, input: AdjustCreditBalanceInput): Promise<CreditBalanceAdjustment> {
  const parsed = parseInput(adjustCreditBalanceInput, input);
  const { tenantId, customerId } = parsed;
  const currency = parsed.amount.currency;
  const sourceKey = parsed.sourceKey ?? `adjustment:${newId('cbt')}`;
  return runInTransaction(prisma, async (tx) => {
    if (!(await lockCustomer(tx, tenantId, customerId))) throw notFound('customer', customerId);
    const existing = await tx.creditBalanceTransaction.findUnique({ where: { tenantId_sourceKey: { tenantId, sourceKey } } });
    if (existing !== null) {
      const balance = await creditBalanceOf(tx, { tenantId, customerId: existing.customerId, currency: existing.currency });
      return { transactionId: existing.id, created: false, balance: moneyFromColumn(balance, existing.currency) };
    }
    // Credit is spent on invoices, which are in the customer's currency: credit in another one
    // could never be used (Stripe keeps a customer's balance in their currency too).
    const customer = await tx.customer.findFirst({ where: { id: customerId, tenantId }, select: { currency: true } });
    if (customer !== null && customer.currency !== null && customer.currency !== currency) {
      throw failure('currency_mismatch', `The customer is billed in ${customer.currency}; credit in ${currency} could never be applied`, {
        currencies: [customer.currency, currency],
      });
    }
    const before = await creditBalanceOf(tx, { tenantId, customerId, currency });
    const after = before + BigInt(parsed.amount.amount);
    if (after < 0n) {
      throw failure('insufficient_credit_balance', `The balance is ${before} minor units of ${currency}`, { balance: before.toString() });
    }
    const { entry } = await postCreditEntry(tx, {
      tenantId,
      customerId,
      amount: BigInt(parsed.amount.amount),
      currency,
      reason: parsed.reason,
      invoiceId: parsed.invoiceId ?? null,
      sourceKey,
    });
    return { transactionId: entry.id, created: true, balance: moneyFromColumn(after, currency) };
  });
}
