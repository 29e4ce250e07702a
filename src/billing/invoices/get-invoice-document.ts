import { z } from 'zod';
import type { Db } from '../db.js';
import { toCreditNoteView } from '../credit-notes/views.js';
import { notFound } from '../failures.js';
import { toPaymentView } from '../payments/views.js';
import { getBillingSettings } from '../settings/get-billing-settings.js';
import { idSchema, parseInput } from '../validation.js';
import type { InvoiceDocument } from './invoice-document.js';
import { toInvoiceView } from './views.js';

const getInvoiceDocumentInput = z.object({ tenantId: idSchema, invoiceId: idSchema });

export type GetInvoiceDocumentInput = z.input<typeof getInvoiceDocumentInput>;

/**
 * What the invoice PDF prints for one of the tenant's invoices: the invoice as the API reads it,
 * its customer, its credit notes, its latest charge attempt, and the issuer from the tenant's
 * billing settings (the tenant's name until one is set). Another tenant's invoice is
 * `invoice_not_found`, exactly like a missing one.
 */
export async function getInvoiceDocument(prisma: Db, input: GetInvoiceDocumentInput): Promise<InvoiceDocument> {
  const { tenantId, invoiceId } = parseInput(getInvoiceDocumentInput, input);
  const invoice = await prisma.invoice.findFirst({
    where: { id: invoiceId, tenantId },
    include: {
      lines: { where: { tenantId }, orderBy: { position: 'asc' } },
      customer: { select: { id: true, externalId: true, name: true, email: true } },
      tenant: { select: { name: true } },
      creditNotes: { where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { number: 'asc' }], include: { lines: true } },
      paymentAttempts: { where: { tenantId }, orderBy: { attemptNumber: 'desc' }, take: 1 },
    },
  });
  if (invoice === null) throw notFound('invoice', invoiceId);
  const settings = await getBillingSettings(prisma, { tenantId });
  const [attempt] = invoice.paymentAttempts;
  return {
    issuer: {
      name: settings.invoiceIssuerName ?? invoice.tenant.name,
      addressLines: settings.invoiceIssuerAddress === null ? [] : settings.invoiceIssuerAddress.split('\n'),
      email: settings.invoiceIssuerEmail,
      taxId: settings.invoiceIssuerTaxId,
    },
    footer: settings.invoiceFooter,
    customer: invoice.customer,
    invoice: toInvoiceView(invoice, invoice.lines),
    creditNotes: invoice.creditNotes.map(toCreditNoteView).map(({ number, reason, outcome, total, createdAt }) => ({ number, reason, outcome, total, createdAt })),
    lastPayment: attempt === undefined ? null : toPaymentView(attempt),
  };
}
