import { z } from 'zod';
import { newId } from '../../ids.js';
import { isUniqueViolation, runInTransaction, type BillingDatabase } from '../db.js';
import { failure, notFound } from '../failures.js';
import { invoiceItemSchema, oneOffLine, priceInvoiceItem } from '../invoice-items/invoice-item-input.js';
import { lockCustomer } from '../locks.js';
import { invoiceEvent, writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { idSchema, parseInput } from '../validation.js';
import { applyCreditBalanceInTransaction } from './apply-credit-balance.js';
import { finalizeInvoiceInTransaction } from './finalize-invoice.js';
import { writeInvoiceContents } from './invoice-contents.js';
import { consumeDiscounts, loadApplicableDiscounts } from './invoice-discounts.js';
import type { InvoiceLineInput } from './invoice-input.js';
import { requireInvoice, toInvoiceSummary, type InvoiceSummary } from './invoice-summary.js';

const createOneOffInvoiceInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  /** Derived from the request's Idempotency-Key: a retried create finds the invoice it made. */
  id: idSchema.optional(),
  items: z.array(z.unknown()).min(1).max(100),
});

/**
 * An invoice of one-off charges, outside any subscription (Stripe's one-off invoice): drafted,
 * discounted by the customer's coupons, taxed, the credit balance applied and finalized with the
 * next number, in one transaction. Its collection — the charge and dunning by the tenant's
 * policy — is then its own workflow's, `invoice:<id>`, started by the caller. A retried create
 * (same id) returns the same invoice.
 */
export async function createOneOffInvoice(prisma: BillingDatabase, input: z.input<typeof createOneOffInvoiceInput>, now: Date): Promise<InvoiceSummary & { customerId: string }> {
  const parsed = parseInput(createOneOffInvoiceInput, input);
  const items = parsed.items.map((item) => parseInput(invoiceItemSchema, item));
  const { tenantId, customerId } = parsed;
  const invoiceId = parsed.id ?? newId('inv');
  const sourceKey = `one_off:${invoiceId}`;
  const existing = await prisma.invoice.findUnique({ where: { tenantId_sourceKey: { tenantId, sourceKey } } });
  if (existing !== null) return { ...toInvoiceSummary(existing), customerId };
  try {
    return await runInTransaction(prisma, async (tx) => {
      if (!(await lockCustomer(tx, tenantId, customerId))) throw notFound('customer', customerId);
      const customer = await tx.customer.findFirstOrThrow({ where: { id: customerId, tenantId } });
      if (customer.currency === null) throw failure('invalid_items', `Customer ${customerId} has no billing currency yet`, { fields: [{ path: 'customerId', message: 'no currency' }] });
      const currency = customer.currency;
      const lines: InvoiceLineInput[] = [];
      for (const [index, item] of items.entries()) lines.push(oneOffLine(await priceInvoiceItem(tx, tenantId, currency, item, `items.${index}`), currency));
      const draft = await tx.invoice.create({ data: { id: invoiceId, tenantId, customerId, subscriptionId: null, sourceKey, kind: 'manual', status: 'draft', currency, createdAt: now } });
      // The customer's own coupons (never a subscription's) apply, and count this invoice as a period.
      const discounts = await loadApplicableDiscounts(tx, { tenantId, subscriptionId: '', customerId, currency });
      await writeInvoiceContents(tx, draft, { lines, currency, usage: null }, { customer, discounts, now });
      await consumeDiscounts(tx, invoiceId, discounts, now);
      await writeOutboxEvents(tx, tenantId, [invoiceEvent('invoice.created', invoiceId, 'created', { subscriptionId: null, customerId, sourceKey, kind: 'manual' })]);
      await applyCreditBalanceInTransaction(tx, { tenantId, invoiceId, customerId });
      return { ...(await finalizeInvoiceInTransaction(tx, { tenantId, invoiceId }, now)), customerId };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return { ...toInvoiceSummary(await requireInvoice(prisma, tenantId, invoiceId)), customerId };
  }
}
