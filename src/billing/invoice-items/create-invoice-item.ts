import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import type { Db } from '../db.js';
import { isUniqueViolation } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { invoiceItemSchema, priceInvoiceItem } from './invoice-item-input.js';
import { toInvoiceItemView, type InvoiceItemView } from './views.js';

const createInvoiceItemInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  /** Derived from the request's Idempotency-Key: a retried create finds the item it made. */
  id: idSchema.optional(),
  item: z.unknown(),
});

/**
 * Adds a one-off charge to the customer's next subscription invoice (in the customer's currency),
 * where the invoice's discounts, tax and credit apply to it like any line.
 */
export async function createInvoiceItem(prisma: Db, input: Omit<z.input<typeof createInvoiceItemInput>, 'item'> & { item: z.input<typeof invoiceItemSchema> }): Promise<InvoiceItemView> {
  const { tenantId, customerId, id } = parseInput(createInvoiceItemInput, input);
  // Parsed on its own, so a bad field is named as the client sent it (`unitAmount`, not `item.unitAmount`).
  const item = parseInput(invoiceItemSchema, input.item);
  const customer = await prisma.customer.findFirst({ where: { id: customerId, tenantId } });
  if (customer === null) throw notFound('customer', customerId);
  if (customer.currency === null) throw failure('invalid_items', `Customer ${customerId} has no billing currency yet`, { fields: [{ path: 'customerId', message: 'no currency' }] });
  const priced = await priceInvoiceItem(prisma, tenantId, customer.currency, item, 'item');
  const itemId = id ?? newId('ii');
  try {
    return toInvoiceItemView(await prisma.invoiceItem.create({ data: { id: itemId, tenantId, customerId, currency: customer.currency, ...priced } }));
  } catch (error) {
    if (id === undefined || !isUniqueViolation(error)) throw error;
    return toInvoiceItemView(await prisma.invoiceItem.findFirstOrThrow({ where: { id: itemId, tenantId } }));
  }
}

/** Setup fees of a new subscription, written in its creating transaction: its first invoice bills them. */
export async function createSetupFees(
  tx: Prisma.TransactionClient,
  input: { tenantId: string; customerId: string; subscriptionId: string; currency: string; items: ReadonlyArray<z.output<typeof invoiceItemSchema>> },
): Promise<void> {
  const rows = [];
  for (const [index, item] of input.items.entries()) {
    const priced = await priceInvoiceItem(tx, input.tenantId, input.currency, item, `oneTimeItems.${index}`);
    rows.push({ id: newId('ii'), tenantId: input.tenantId, customerId: input.customerId, subscriptionId: input.subscriptionId, currency: input.currency, ...priced });
  }
  if (rows.length > 0) await tx.invoiceItem.createMany({ data: rows });
}
