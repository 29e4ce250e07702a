import type { Db } from '../db.js';
import { notFound } from '../failures.js';
import { toInvoiceView, type InvoiceView } from './views.js';

export interface HostedInvoice {
  tenantName: string;
  customerName: string | null;
  invoice: InvoiceView;
}

/**
 * The invoice an email links to, by its hosted token alone (no API key: the token is 32
 * unguessable characters, made when the first email linked it). Drafts are never shown.
 */
export async function getHostedInvoice(prisma: Db, input: { token: string }): Promise<HostedInvoice> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(input.token)) throw notFound('invoice', 'hosted');
  const invoice = await prisma.invoice.findFirst({
    where: { hostedToken: input.token, status: { not: 'draft' } },
    include: { lines: { orderBy: { position: 'asc' } }, tenant: { select: { name: true } }, customer: { select: { name: true, email: true } } },
  });
  if (invoice === null) throw notFound('invoice', 'hosted');
  return { tenantName: invoice.tenant.name, customerName: invoice.customer.name ?? invoice.customer.email, invoice: toInvoiceView(invoice, invoice.lines) };
}
