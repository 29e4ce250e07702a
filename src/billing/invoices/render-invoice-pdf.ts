import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from './invoice-document.js';
import { BOLD, drawTable, FONT, GREY, NOTE_SIZE, rule, TEXT_SIZE, type PageFrame, type PdfDocument, type TableColumn } from './invoice-pdf-table.js';
import {
  paymentStatusLines,
  printable,
  printedAmount,
  printedCreditNoteOutcome,
  printedDay,
  printedPeriod,
  printedUnitAmount,
  printedWord,
} from './invoice-pdf-text.js';

// A4 in points. The bottom margin keeps room for the page footer, written once every page exists.
const PAGE = { width: 595.28, height: 841.89, left: 50, right: 545.28, top: 50, bottom: 762 };
const FOOTER_Y = 790;

const LINE_COLUMNS: TableColumn[] = [
  { header: 'Description', width: 240, align: 'left' },
  { header: 'Qty', width: 50, align: 'right' },
  { header: 'Unit price', width: 100, align: 'right' },
  { header: 'Amount', width: 105.28, align: 'right' },
];

const CREDIT_NOTE_COLUMNS: TableColumn[] = [
  { header: 'Credit note', width: 95, align: 'left' },
  { header: 'Date', width: 95, align: 'left' },
  { header: 'Reason', width: 100, align: 'left' },
  { header: 'Outcome', width: 100, align: 'left' },
  { header: 'Total', width: 105.28, align: 'right' },
];

function titleOf(document: InvoiceDocument): string {
  return document.invoice.number ?? `Draft invoice ${document.invoice.id}`;
}

/** Continuation pages start with who issued which invoice, so a loose page is still identifiable. */
function frameFor(doc: PdfDocument, document: InvoiceDocument): PageFrame {
  return {
    left: PAGE.left,
    right: PAGE.right,
    bottom: PAGE.bottom,
    nextPage() {
      doc.addPage();
      doc.font(FONT).fontSize(NOTE_SIZE).fillColor(GREY);
      doc.text(printable(`${document.issuer.name} · Invoice ${document.invoice.number ?? 'Draft'} (continued)`), PAGE.left, PAGE.top, { width: PAGE.right - PAGE.left });
      doc.fillColor('black');
      doc.y = PAGE.top + 20;
    },
  };
}

function labelled(doc: PdfDocument, rows: Array<[string, string]>, x: number, y: number, labelWidth: number, valueWidth: number): number {
  let at = y;
  for (const [label, value] of rows) {
    doc.font(FONT).fontSize(TEXT_SIZE).fillColor(GREY).text(label, x, at, { width: labelWidth });
    doc.fillColor('black').text(printable(value), x + labelWidth, at, { width: valueWidth });
    at += Math.max(doc.heightOfString(label, { width: labelWidth }), doc.heightOfString(printable(value), { width: valueWidth })) + 2;
  }
  return at;
}

function drawParties(doc: PdfDocument, document: InvoiceDocument): void {
  const { issuer, customer, invoice } = document;
  const leftWidth = 260;
  doc.font(BOLD).fontSize(15).fillColor('black').text(printable(issuer.name), PAGE.left, PAGE.top, { width: leftWidth });
  doc.font(FONT).fontSize(TEXT_SIZE);
  for (const line of issuer.addressLines) doc.text(printable(line), { width: leftWidth });
  if (issuer.email !== null) doc.text(printable(issuer.email), { width: leftWidth });
  if (issuer.taxId !== null) doc.text(printable(`Tax ID: ${issuer.taxId}`), { width: leftWidth });

  doc.moveDown(1.5);
  doc.font(BOLD).fontSize(NOTE_SIZE).fillColor(GREY).text('BILL TO', { width: leftWidth });
  doc.font(BOLD).fontSize(TEXT_SIZE + 1).fillColor('black').text(printable(customer.name ?? customer.email ?? customer.id), { width: leftWidth });
  doc.font(FONT).fontSize(TEXT_SIZE);
  if (customer.name !== null && customer.email !== null) doc.text(printable(customer.email), { width: leftWidth });
  doc.text(`Customer ID: ${customer.id}`, { width: leftWidth });
  if (customer.externalId !== null) doc.text(printable(`External ID: ${customer.externalId}`), { width: leftWidth });
  const leftBottom = doc.y;

  const x = 330;
  doc.font(BOLD).fontSize(20).text(invoice.status === 'draft' ? 'DRAFT INVOICE' : 'INVOICE', x, PAGE.top, { width: PAGE.right - x, align: 'right' });
  const facts: Array<[string, string]> = [
    ['Invoice number', invoice.number ?? 'Draft'],
    ['Status', printedWord(invoice.status)],
    ['Created', printedDay(invoice.createdAt)],
  ];
  if (invoice.finalizedAt !== null) facts.push(['Issued', printedDay(invoice.finalizedAt)]);
  const period = printedPeriod(invoice.periodStart, invoice.periodEnd);
  if (period !== null) facts.push(['Period', period]);
  if (invoice.paidAt !== null) facts.push(['Paid', printedDay(invoice.paidAt)]);
  if (invoice.voidedAt !== null) facts.push(['Voided', printedDay(invoice.voidedAt)]);
  if (invoice.markedUncollectibleAt !== null) facts.push(['Uncollectible', printedDay(invoice.markedUncollectibleAt)]);
  facts.push(['Currency', invoice.currency]);
  const rightBottom = labelled(doc, facts, x, PAGE.top + 32, 80, PAGE.right - x - 80);

  doc.x = PAGE.left;
  doc.y = Math.max(leftBottom, rightBottom) + 24;
}

function drawLines(doc: PdfDocument, frame: PageFrame, document: InvoiceDocument): void {
  const { currency } = document.invoice;
  drawTable(
    doc,
    frame,
    LINE_COLUMNS,
    document.invoice.lines.map((line) => ({
      cells: [
        printable(line.description),
        String(line.quantity ?? line.usageQuantity ?? ''),
        line.unitAmountDecimal === null ? '' : printedUnitAmount(line.unitAmountDecimal, currency),
        printedAmount(line.amount, currency),
      ],
      note: printedPeriod(line.periodStart, line.periodEnd),
    })),
  );
}

/** Kept whole on one page: a total separated from its subtotal invites a phone call. */
function drawTotals(doc: PdfDocument, frame: PageFrame, document: InvoiceDocument): void {
  const { invoice } = document;
  const amount = (value: number) => printedAmount(value, invoice.currency);
  // Discounts and credit are stored as positive sums taken off: printed as the negative amounts they are.
  const rows: Array<{ label: string; value: string; strong?: boolean }> = [
    { label: 'Subtotal', value: amount(invoice.subtotal) },
    { label: 'Discounts', value: amount(-invoice.discountTotal) },
    { label: 'Tax', value: amount(invoice.taxTotal) },
    { label: 'Total', value: amount(invoice.total), strong: true },
    { label: 'Credit applied', value: amount(-invoice.creditApplied) },
    { label: 'Amount due', value: amount(invoice.amountDue), strong: true },
    { label: 'Amount paid', value: amount(invoice.amountPaid) },
  ];
  if (invoice.amountCredited !== 0) rows.push({ label: 'Credited by credit notes', value: amount(invoice.amountCredited) });
  if (invoice.amountRefunded !== 0) rows.push({ label: 'Refunded', value: amount(invoice.amountRefunded) });
  const rowHeight = TEXT_SIZE + 6;
  if (doc.y + 12 + rows.length * rowHeight > frame.bottom) frame.nextPage();
  const x = 300;
  let y = doc.y + 12;
  for (const row of rows) {
    doc.font(row.strong === true ? BOLD : FONT).fontSize(TEXT_SIZE).fillColor('black');
    doc.text(row.label, x, y, { width: 120 });
    doc.text(row.value, x + 120, y, { width: PAGE.right - x - 124, align: 'right' });
    y += rowHeight;
  }
  doc.x = PAGE.left;
  doc.y = y + 8;
}

function drawPayment(doc: PdfDocument, frame: PageFrame, document: InvoiceDocument): void {
  const lines = paymentStatusLines(document).map(printable);
  const width = PAGE.right - PAGE.left;
  doc.font(FONT).fontSize(TEXT_SIZE);
  const height = 16 + lines.reduce((sum, line) => sum + doc.heightOfString(line, { width }) + 2, 0);
  if (doc.y + height > frame.bottom) frame.nextPage();
  doc.font(BOLD).fontSize(NOTE_SIZE).fillColor(GREY).text('PAYMENT', PAGE.left, doc.y, { width });
  doc.font(FONT).fontSize(TEXT_SIZE).fillColor('black');
  for (const line of lines) doc.text(line, PAGE.left, doc.y + 2, { width });
  doc.y += 14;
}

function drawCreditNotes(doc: PdfDocument, frame: PageFrame, document: InvoiceDocument): void {
  if (document.creditNotes.length === 0) return;
  if (doc.y + 60 > frame.bottom) frame.nextPage();
  doc.font(BOLD).fontSize(NOTE_SIZE).fillColor(GREY).text('CREDIT NOTES', PAGE.left, doc.y, { width: PAGE.right - PAGE.left });
  doc.fillColor('black');
  drawTable(
    doc,
    frame,
    CREDIT_NOTE_COLUMNS,
    document.creditNotes.map((note) => ({
      cells: [note.number, printedDay(note.createdAt), printedWord(note.reason), printedCreditNoteOutcome(note.outcome), printedAmount(note.total, document.invoice.currency)],
    })),
  );
}

/** Written last, when the page count is known; the bottom margin is lifted so pdfkit does not start a page for it. */
function drawFooters(doc: PdfDocument, document: InvoiceDocument): void {
  const { start, count } = doc.bufferedPageRange();
  const width = PAGE.right - PAGE.left;
  for (let index = start; index < start + count; index += 1) {
    doc.switchToPage(index);
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    rule(doc, { left: PAGE.left, right: PAGE.right, bottom: PAGE.height, nextPage: () => undefined }, FOOTER_Y - 6);
    doc.font(FONT).fontSize(NOTE_SIZE).fillColor(GREY);
    if (document.footer !== null) doc.text(printable(document.footer), PAGE.left, FOOTER_Y, { width: width - 90, height: 24, ellipsis: true });
    doc.text(`Page ${index - start + 1} of ${count}`, PAGE.right - 90, FOOTER_Y, { width: 90, align: 'right', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}

/**
 * The invoice as a PDF a finance user can send: issuer and customer, number, status and dates,
 * every line with its service period, the totals exactly as stored, where payment stands, and its
 * credit notes. Pure: the same document renders to the same bytes (its creation date is the
 * invoice's own), which is what lets a cache or a test compare two renderings. Only the PDF
 * standard fonts are used, so nothing is embedded or fetched and the text stays extractable.
 */
export async function renderInvoicePdf(document: InvoiceDocument): Promise<Buffer> {
  const created = new Date(document.invoice.finalizedAt ?? document.invoice.createdAt);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.top, left: PAGE.left, right: PAGE.width - PAGE.right, bottom: PAGE.height - PAGE.bottom },
    bufferPages: true,
    info: { Title: printable(titleOf(document)), Author: printable(document.issuer.name), Subject: printable(`Invoice for ${document.customer.name ?? document.customer.email ?? document.customer.id}`), CreationDate: created, ModDate: created },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const frame = frameFor(doc, document);
  drawParties(doc, document);
  drawLines(doc, frame, document);
  drawTotals(doc, frame, document);
  drawPayment(doc, frame, document);
  drawCreditNotes(doc, frame, document);
  drawFooters(doc, document);
  doc.end();
  return done;
}
