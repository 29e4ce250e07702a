import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { pageInputShape, pageQuery, toPage } from '../pagination.js';
import type { Page } from '../pagination.js';
import { idSchema, parseInput } from '../validation.js';
import { toPaymentView } from './views.js';
import type { PaymentView } from './views.js';

const listInvoicePaymentsInput = z.object({ tenantId: idSchema, invoiceId: idSchema });

export type ListInvoicePaymentsInput = z.input<typeof listInvoicePaymentsInput>;

/**
 * Every charge attempt on one invoice, first attempt first. Not paginated: attempts per invoice
 * are bounded by the dunning policy. The invoice must be the tenant's (else `invoice_not_found`),
 * so an empty list always means "not charged yet", never "no such invoice".
 */
export async function listInvoicePayments(prisma: Db, input: ListInvoicePaymentsInput): Promise<PaymentView[]> {
  const { tenantId, invoiceId } = parseInput(listInvoicePaymentsInput, input);
  const invoice = await prisma.invoice.findFirst({
    where: { id: invoiceId, tenantId },
    select: { paymentAttempts: { where: { tenantId }, orderBy: { attemptNumber: 'asc' } } },
  });
  if (invoice === null) throw notFound('invoice', invoiceId);
  return invoice.paymentAttempts.map(toPaymentView);
}

const listPaymentsInput = z.object({
  tenantId: idSchema,
  invoiceId: idSchema.optional(),
  ...pageInputShape,
});

export type ListPaymentsInput = z.input<typeof listPaymentsInput>;

/**
 * The tenant's payments across invoices, newest first. `invoiceId` is a filter here: another
 * tenant's or an unknown invoice matches nothing (use listInvoicePayments for a 404).
 */
export async function listPayments(prisma: Db, input: ListPaymentsInput): Promise<Page<PaymentView>> {
  const { tenantId, invoiceId, ...page } = parseInput(listPaymentsInput, input);
  const query = pageQuery(page);
  const where: Prisma.PaymentAttemptWhereInput = {
    tenantId,
    ...(invoiceId === undefined ? {} : { invoiceId }),
    // Rows strictly after the cursor, in (createdAt, id) order.
    ...(query.after === undefined ? {} : { AND: [query.after] }),
  };
  const rows = await prisma.paymentAttempt.findMany({ where, orderBy: query.orderBy, take: query.take });
  return toPage(rows, page, toPaymentView);
}
