import { z } from 'zod';
import { createPricingStrategy, money, type PriceDefinition } from '../../domain/index.js';
import { maximumChargeAmount } from '../../payments/charge-limits.js';
import { MAX_QUANTITY } from '../amount-bounds.js';
import type { Db } from '../db.js';
import { failure, notFound, withDomainValidation } from '../failures.js';
import type { InvoiceLineInput } from '../invoices/invoice-input.js';
import { idSchema } from '../validation.js';

/** What one one-off charge is: an amount per unit × quantity, or a price of the catalog × quantity. */
export const invoiceItemShape = {
  description: z.string().trim().min(1).max(500),
  /** Minor units per unit; negative for a one-off credit. */
  unitAmount: z.int().refine((value) => value !== 0, { message: 'must not be zero' }).optional(),
  priceId: idSchema.optional(),
  quantity: z.int().min(1).max(MAX_QUANTITY).optional(),
  periodStart: z.date().optional(),
  periodEnd: z.date().optional(),
};

export const invoiceItemSchema = z
  .object(invoiceItemShape)
  .refine((item) => (item.unitAmount === undefined) !== (item.priceId === undefined), { message: 'Give either unitAmount or priceId', path: ['unitAmount'] })
  .refine((item) => (item.periodStart === undefined) === (item.periodEnd === undefined) && (item.periodStart === undefined || item.periodStart < item.periodEnd!), {
    message: 'A service period needs periodStart before periodEnd',
    path: ['periodEnd'],
  });

export type InvoiceItemInput = z.output<typeof invoiceItemSchema>;

export interface PricedInvoiceItem {
  description: string;
  priceId: string | null;
  quantity: number;
  unitAmountDecimal: string | null;
  amount: bigint;
  periodStart: Date | null;
  periodEnd: Date | null;
}

/** The item's amount in `currency`: unit amount × quantity, or the price's own pricing of the quantity; within one charge. */
export async function priceInvoiceItem(db: Db, tenantId: string, currency: string, item: InvoiceItemInput, field: string): Promise<PricedInvoiceItem> {
  const quantity = item.quantity ?? 1;
  let amount: bigint;
  let unitAmountDecimal: string | null;
  if (item.priceId !== undefined) {
    const price = await db.price.findFirst({ where: { id: item.priceId, tenantId } });
    if (price === null) throw notFound('price', item.priceId);
    if (price.currency !== currency) throw failure('currency_mismatch', `Price ${price.id} is in ${price.currency}; the customer is billed in ${currency}`, { currencies: [price.currency, currency] });
    if (price.usageType === 'metered') throw failure('invalid_items', `Price ${price.id} is metered: usage is billed from its meter, not as a one-off charge`, { fields: [{ path: `${field}.priceId`, message: 'metered price' }] });
    const priced = withDomainValidation(() => createPricingStrategy(price.definition as unknown as PriceDefinition).price(quantity));
    amount = BigInt(priced.amount.amount);
    unitAmountDecimal = priced.unitAmount;
  } else {
    amount = BigInt(item.unitAmount!) * BigInt(quantity);
    unitAmountDecimal = String(item.unitAmount);
  }
  const maximum = BigInt(maximumChargeAmount(currency));
  if (amount > maximum || -amount > maximum) {
    const message = `${field} comes to ${amount} minor units, more than one charge of ${currency} can be`;
    throw failure('amount_too_large', message, { fields: [{ path: field, code: 'amount_too_large', message }], maximum: Number(maximum) });
  }
  return { description: item.description, priceId: item.priceId ?? null, quantity, unitAmountDecimal, amount, periodStart: item.periodStart ?? null, periodEnd: item.periodEnd ?? null };
}

/** A priced one-off charge as an invoice line; a one-off credit (negative) is not discounted again. */
export function oneOffLine(item: PricedInvoiceItem, currency: string): InvoiceLineInput {
  return {
    kind: 'one_off',
    description: item.description,
    priceId: item.priceId,
    quantity: item.quantity,
    unitAmountDecimal: item.unitAmountDecimal,
    amount: money(Number(item.amount), currency),
    periodStart: item.periodStart?.getTime() ?? null,
    periodEnd: item.periodEnd?.getTime() ?? null,
    discountable: item.amount > 0n,
  };
}
