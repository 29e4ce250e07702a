import { z } from 'zod';
import type { CreditBalanceTransaction } from '../../generated/prisma/client.js';
import { moneyFromColumn } from '../amounts.js';
import { instant, minorUnits } from '../view-fields.js';

/**
 * What the API returns for a customer's credit balance and its ledger. The interfaces are what
 * code builds; the schemas (same shape, checked in test/integration/billing/read-operations.test.ts)
 * document the responses in OpenAPI, with `.meta({ id })` naming the component.
 *
 * Sign convention, the ledger's own (see credit-balance.ts and adjust-credit-balance.ts): a
 * positive balance is credit the customer holds, which pays (part of) their next invoices; it is
 * never negative. Ledger entries are positive when they add credit (an adjustment, a proration
 * credit, an invoice's net credit banked) and negative when they use or remove it (credit applied
 * to an invoice, a correction). This is the opposite of Stripe's customer balance, where credit
 * is negative.
 */

export const creditBalanceViewSchema = z
  .object({
    object: z.literal('credit_balance'),
    customerId: z.string(),
    balances: z
      .array(z.object({ currency: z.string(), amount: minorUnits.describe('Credit the customer holds; never negative') }))
      .describe('One per currency the ledger has entries in (a used-up balance shows as 0), by currency code'),
  })
  .meta({ id: 'CreditBalance' });

export interface CreditBalanceView {
  object: 'credit_balance';
  customerId: string;
  balances: Array<{ currency: string; amount: number }>;
}

export const creditTransactionViewSchema = z
  .object({
    id: z.string(),
    object: z.literal('credit_balance_transaction'),
    customerId: z.string(),
    amount: minorUnits.describe('Positive adds credit, negative uses or removes it'),
    currency: z.string(),
    reason: z.string().describe('e.g. applied_to_invoice, invoice_net_credit, or the reason given with an adjustment'),
    invoiceId: z.string().nullable(),
    sourceKey: z.string().describe('Names what made the entry; the same key never adds a second entry'),
    createdAt: instant,
  })
  .meta({ id: 'CreditBalanceTransaction' });

export interface CreditTransactionView {
  id: string;
  object: 'credit_balance_transaction';
  customerId: string;
  amount: number;
  currency: string;
  reason: string;
  invoiceId: string | null;
  sourceKey: string;
  createdAt: string;
}

export function toCreditTransactionView(entry: CreditBalanceTransaction): CreditTransactionView {
  return {
    id: entry.id,
    object: 'credit_balance_transaction',
    customerId: entry.customerId,
    // Through the domain's Money: a BIGINT beyond the safe-integer range fails loudly (amount_overflow).
    amount: moneyFromColumn(entry.amount, entry.currency).amount,
    currency: entry.currency.toUpperCase(),
    reason: entry.reason,
    invoiceId: entry.invoiceId,
    sourceKey: entry.sourceKey,
    createdAt: entry.createdAt.toISOString(),
  };
}
