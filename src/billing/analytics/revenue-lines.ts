import type { InvoicedLine } from '../../domain/index.js';
import type { Db } from '../db.js';

/** Invoices that were issued and stand: drafts are not issued, voided ones never count. */
export const FINALIZED = ['open', 'paid', 'uncollectible'] as const;

/**
 * Everything revenue is recognised from, in one currency, issued before `end`: the lines of
 * finalized invoices that were not voided (tax is not revenue; discounts and proration credits
 * are negative lines), over their service periods, and each credit note line as a negative line
 * over the period of the line it credits. A line without a period (a one-off charge) is
 * recognised on the day it is issued.
 */
export async function revenueLines(prisma: Db, tenantId: string, currency: string, end: Date): Promise<InvoicedLine[]> {
  const [lines, notes] = await Promise.all([
    prisma.invoiceLine.findMany({
      where: { tenantId, currency, kind: { not: 'tax' }, invoice: { status: { in: [...FINALIZED] }, finalizedAt: { not: null, lt: end } } },
      select: { amount: true, periodStart: true, periodEnd: true, invoice: { select: { finalizedAt: true, periodStart: true, periodEnd: true } } },
    }),
    prisma.creditNoteLine.findMany({
      where: { tenantId, creditNote: { currency, createdAt: { lt: end }, invoice: { status: { in: [...FINALIZED] } } } },
      select: { amount: true, invoiceLineId: true, creditNote: { select: { createdAt: true, invoice: { select: { periodStart: true, periodEnd: true } } } } },
    }),
  ]);
  const credited = await prisma.invoiceLine.findMany({
    where: { tenantId, id: { in: notes.flatMap((note) => (note.invoiceLineId === null ? [] : [note.invoiceLineId])) } },
    select: { id: true, periodStart: true, periodEnd: true },
  });
  const periodOf = (start: Date | null, stop: Date | null, issued: number) =>
    start !== null && stop !== null && stop >= start ? { periodStart: start.getTime(), periodEnd: stop.getTime() } : { periodStart: issued, periodEnd: issued };
  const invoiced = lines.map((line) => {
    const issued = line.invoice.finalizedAt?.getTime() ?? 0;
    const period = line.periodStart !== null ? periodOf(line.periodStart, line.periodEnd, issued) : periodOf(line.invoice.periodStart, line.invoice.periodEnd, issued);
    return { amount: line.amount, invoicedAt: issued, ...period };
  });
  const creditNotes = notes.map((note) => {
    const issued = note.creditNote.createdAt.getTime();
    const line = credited.find((candidate) => candidate.id === note.invoiceLineId);
    const period = line !== undefined ? periodOf(line.periodStart, line.periodEnd, issued) : periodOf(note.creditNote.invoice.periodStart, note.creditNote.invoice.periodEnd, issued);
    return { amount: -note.amount, invoicedAt: issued, ...period };
  });
  return [...invoiced, ...creditNotes];
}
