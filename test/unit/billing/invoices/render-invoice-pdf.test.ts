import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../../../src/billing/invoices/render-invoice-pdf.js';
import type { InvoiceDocument } from '../../../../src/billing/invoices/invoice-document.js';
import { resolvePoppler, type Poppler } from '../../../../src/devtools/pdf/poppler.js';
import { projectRoot } from '../../../../src/project-root.js';
import { invoiceDocument, invoiceView, line } from './invoice-documents.js';

/**
 * The invoice PDF read back the way a person's viewer reads it: poppler's pdftotext (text in
 * layout order), pdfinfo (pages, title, author) and pdftoppm (page 1 as a PNG a reviewer can look
 * at, in test-artifacts/pdf/). Expected amounts are worked out in the comments, not taken from the code.
 */
const artifacts = join(projectRoot, 'test-artifacts', 'pdf');
let poppler: Poppler;

beforeAll(() => {
  poppler = resolvePoppler();
  mkdirSync(artifacts, { recursive: true });
});

interface Rendered {
  path: string;
  bytes: Buffer;
  text: string;
  info: Record<string, string>;
  pageText(page: number): string;
}

async function render(name: string, document: InvoiceDocument): Promise<Rendered> {
  const bytes = await renderInvoicePdf(document);
  const path = join(artifacts, `${name}.pdf`);
  writeFileSync(path, bytes);
  const pdftotext = (...args: string[]) => execFileSync(poppler.pdftotext, ['-layout', ...args, path, '-'], { encoding: 'utf8' });
  const info = Object.fromEntries(
    execFileSync(poppler.pdfinfo, [path], { encoding: 'utf8' })
      .split('\n')
      .map((row) => /^([^:]+):\s*(.*)$/.exec(row))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1] ?? '', match[2] ?? '']),
  );
  return { path, bytes, text: pdftotext(), info, pageText: (page) => pdftotext('-f', String(page), '-l', String(page)) };
}

const MARCH = '2026-03-01T00:00:00.000Z';
const APRIL = '2026-04-01T00:00:00.000Z';

/**
 * 3 seats at $19.99 = $59.97; 12,000 API calls at 0.06 cents = 720 cents = $7.20; subtotal
 * 5997 + 720 = 6717. 10% off: 671.7 → 672 (-$6.72); 19% VAT on 6717 − 672 = 6045: 1148.55 → 1149
 * ($11.49); total 6045 + 1149 = 7194 ($71.94); $5.00 of credit leaves 6694 ($66.94) due, paid.
 * A $10.00 credit note refunded since: credited and refunded 1000.
 */
function usdInvoice(): InvoiceDocument {
  return invoiceDocument(
    invoiceView({
      number: 'INV-000042',
      status: 'paid',
      currency: 'USD',
      periodStart: MARCH,
      periodEnd: APRIL,
      paidAt: '2026-03-02T09:30:00.000Z',
      lines: [
        line('USD', { description: 'Pro plan (per seat)', quantity: 3, unitAmountDecimal: '1999', amount: 5997, periodStart: MARCH, periodEnd: APRIL }),
        line('USD', { kind: 'usage', description: 'API calls', usageQuantity: '12000', unitAmountDecimal: '0.06', amount: 720, periodStart: MARCH, periodEnd: APRIL }),
        line('USD', { kind: 'discount', description: 'WELCOME10 (10% off)', amount: -672 }),
        line('USD', { kind: 'tax', description: 'VAT 19%', amount: 1149 }),
      ],
      subtotal: 6717,
      discountTotal: 672,
      taxTotal: 1149,
      total: 7194,
      creditApplied: 500,
      amountDue: 6694,
      amountPaid: 6694,
      amountCredited: 1000,
      amountRefunded: 1000,
    }),
    {
      creditNotes: [{ number: 'CN-000003', reason: 'order_change', outcome: 'refund', total: 1000, createdAt: '2026-03-10T12:00:00.000Z' }],
      lastPayment: { attemptNumber: 1, status: 'succeeded', failureCode: null, declineCode: null, failureMessage: null, createdAt: '2026-03-02T09:30:00.000Z' },
    },
  );
}

describe('the invoice PDF', () => {
  it('prints the issuer, the customer, every line and the totals of a USD invoice, with credit notes and refunds', async () => {
    const pdf = await render('usd-invoice', usdInvoice());
    const text = pdf.text;
    for (const expected of ['Acme Billing GmbH', 'Hauptstraße 5', '10115 Berlin', 'Germany', 'billing@acme.example', 'Tax ID: DE123456789']) expect(text).toContain(expected);
    for (const expected of ['Jane Customer', 'jane@example.com', 'Customer ID: cust_test0000000000000001', 'External ID: crm-42']) expect(text).toContain(expected);
    expect(text).toMatch(/Invoice number\s+INV-000042/);
    expect(text).toMatch(/Status\s+Paid/);
    expect(text).toMatch(/Period\s+1 March 2026 – 1 April 2026/);
    expect(text).toMatch(/Paid\s+2 March 2026/);
    expect(text).toMatch(/Currency\s+USD/);
    expect(text).toMatch(/Pro plan \(per seat\)\s+3\s+19\.99 USD\s+59\.97 USD/);
    // 0.06 cents a call is $0.0006.
    expect(text).toMatch(/API calls\s+12000\s+0\.0006 USD\s+7\.20 USD/);
    expect(text).toMatch(/WELCOME10 \(10% off\)\s+-6\.72 USD/);
    expect(text).toMatch(/VAT 19%\s+11\.49 USD/);
    expect(text).toMatch(/Subtotal\s+67\.17 USD/);
    expect(text).toMatch(/Discounts\s+-6\.72 USD/);
    expect(text).toMatch(/Tax\s+11\.49 USD/);
    expect(text).toMatch(/Total\s+71\.94 USD/);
    expect(text).toMatch(/Credit applied\s+-5\.00 USD/);
    expect(text).toMatch(/Amount due\s+66\.94 USD/);
    expect(text).toMatch(/Amount paid\s+66\.94 USD/);
    expect(text).toMatch(/Credited by credit notes\s+10\.00 USD/);
    expect(text).toMatch(/Refunded\s+10\.00 USD/);
    expect(text).toContain('Paid on 2 March 2026: 66.94 USD received.');
    expect(text).toMatch(/CN-000003\s+10 March 2026\s+Order change\s+Refunded\s+10\.00 USD/);
    expect(text).toContain('Payable within 14 days. IBAN DE89 3704 0044 0532 0130 00.');
    expect(text).toContain('Page 1 of 1');
    expect([pdf.info.Pages, pdf.info.Title, pdf.info.Author]).toEqual(['1', 'INV-000042', 'Acme Billing GmbH']);
    // The built-in fonts only: nothing embedded, nothing linked.
    const raw = pdf.bytes.toString('latin1');
    for (const remote of ['/FontFile', '/URI', '/Launch', '/JavaScript']) expect(raw).not.toContain(remote);
  });

  it('renders the same document to the same bytes', async () => {
    const [first, second] = await Promise.all([renderInvoicePdf(usdInvoice()), renderInvoicePdf(usdInvoice())]);
    expect(first.equals(second)).toBe(true);
  });

  it('prints yen without decimals, and an open invoice with what remains and why the last charge failed', async () => {
    // 2 hours at ¥1,500 = ¥3,000; 10% consumption tax ¥300; ¥3,300 due, nothing paid.
    const pdf = await render(
      'jpy-invoice',
      invoiceDocument(
        invoiceView({
          number: 'INV-000007',
          status: 'open',
          currency: 'JPY',
          attemptCount: 2,
          nextPaymentAttemptAt: '2026-03-06T00:00:00.000Z',
          lines: [
            line('JPY', { kind: 'one_off', description: 'Consulting hour', quantity: 2, unitAmountDecimal: '1500', amount: 3000 }),
            line('JPY', { kind: 'tax', description: 'Consumption tax 10%', amount: 300 }),
          ],
          subtotal: 3000,
          taxTotal: 300,
          total: 3300,
          amountDue: 3300,
        }),
        {
          issuer: { name: 'Tokyo Works KK', addressLines: [], email: null, taxId: null },
          footer: null,
          customer: { id: 'cust_jp', externalId: null, name: null, email: 'kenji@example.jp' },
          lastPayment: { attemptNumber: 2, status: 'declined', failureCode: 'card_declined', declineCode: 'insufficient_funds', failureMessage: 'Your card has insufficient funds.', createdAt: '2026-03-03T00:00:00.000Z' },
        },
      ),
    );
    const text = pdf.text;
    expect(text).toContain('Tokyo Works KK');
    expect(text).not.toContain('Tax ID');
    expect(text).toContain('kenji@example.jp');
    expect(text).not.toContain('External ID');
    expect(text).toMatch(/Consulting hour\s+2\s+1500 JPY\s+3000 JPY/);
    expect(text).toMatch(/Consumption tax 10%\s+300 JPY/);
    expect(text).toMatch(/Total\s+3300 JPY/);
    expect(text).toMatch(/Amount due\s+3300 JPY/);
    expect(text).toMatch(/Amount paid\s+0 JPY/);
    expect(text).not.toMatch(/\d\.\d+ JPY/);
    expect(text).toContain('Open: 3300 JPY remaining, next payment attempt on 6 March 2026.');
    expect(text).toContain('Last payment attempt (#2, 3 March 2026): Declined (card_declined, insufficient_funds) Your card has insufficient funds.');
    expect(text).not.toContain('CREDIT NOTES');
    expect([pdf.info.Title, pdf.info.Author]).toEqual(['INV-000007', 'Tokyo Works KK']);
  });

  it('prints dinars with three decimals and negative amounts with a minus, and names a draft "Draft"', async () => {
    // 12.500 + 0.250 − 3.125 KWD (fils: 12500 + 250 − 3125) = 9.625 KWD.
    const pdf = await render(
      'kwd-draft',
      invoiceDocument(
        invoiceView({
          id: 'inv_kwddraft000000000001',
          number: null,
          status: 'draft',
          currency: 'KWD',
          finalizedAt: null,
          lines: [
            line('KWD', { description: 'Support retainer', quantity: 1, unitAmountDecimal: '12500', amount: 12500 }),
            line('KWD', { kind: 'one_off', description: 'Setup fee', quantity: 1, unitAmountDecimal: '250', amount: 250 }),
            line('KWD', { kind: 'proration', description: 'Unused time on the old plan', quantity: 1, amount: -3125 }),
          ],
          subtotal: 9625,
          total: 9625,
          amountDue: 9625,
        }),
        // Helvetica draws WinAnsi only: "ő" loses its accent, what has no Latin form becomes "?".
        { customer: { id: 'cust_kw', externalId: null, name: 'Ödön Győri 山田', email: null } },
      ),
    );
    const text = pdf.text;
    expect(text).toContain('DRAFT INVOICE');
    expect(text).toContain('Ödön Gyori ??');
    expect(text).toMatch(/Invoice number\s+Draft/);
    expect(text).toMatch(/Support retainer\s+1\s+12\.500 KWD\s+12\.500 KWD/);
    expect(text).toMatch(/Setup fee\s+1\s+0\.250 KWD\s+0\.250 KWD/);
    expect(text).toMatch(/Unused time on the old plan\s+1\s+-3\.125 KWD/);
    expect(text).toMatch(/Subtotal\s+9\.625 KWD/);
    expect(text).toMatch(/Amount due\s+9\.625 KWD/);
    expect(text).toContain('Draft: not yet issued, nothing is due yet.');
    expect(pdf.info.Title).toBe('Draft invoice inv_kwddraft000000000001');
  });

  it('runs a 120-line invoice over several pages: every line once, the header on each page, the totals together, "Page n of m"', async () => {
    // Line i costs i dollars: 1 + 2 + … + 120 = 120 × 121 / 2 = 7260 dollars = 726000 cents.
    const lines = Array.from({ length: 120 }, (_, i) =>
      line('USD', { kind: 'usage', description: `Usage line ${String(i + 1).padStart(3, '0')}`, quantity: i + 1, unitAmountDecimal: '100', amount: (i + 1) * 100, periodStart: MARCH, periodEnd: APRIL }),
    );
    const pdf = await render('long-invoice', invoiceDocument(invoiceView({ number: 'INV-000120', currency: 'USD', lines, subtotal: 726000, total: 726000, amountDue: 726000 })));
    const pages = Number(pdf.info.Pages);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let i = 1; i <= 120; i += 1) {
      const description = `Usage line ${String(i).padStart(3, '0')}`;
      expect(pdf.text.split(description).length - 1, description).toBe(1);
    }
    const texts = Array.from({ length: pages }, (_, i) => pdf.pageText(i + 1));
    texts.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`);
      if (page.includes('Usage line')) expect(page, `page ${i + 1} repeats the table header`).toMatch(/Description\s+Qty\s+Unit price\s+Amount/);
    });
    expect(texts.slice(1).every((page) => page.includes('Acme Billing GmbH · Invoice INV-000120 (continued)'))).toBe(true);
    const withTotals = texts.filter((page) => page.includes('Subtotal'));
    expect(withTotals).toHaveLength(1);
    expect(withTotals[0]).toMatch(/Subtotal\s+7260\.00 USD[\s\S]*Total\s+7260\.00 USD[\s\S]*Amount due\s+7260\.00 USD[\s\S]*Amount paid\s+0\.00 USD/);
    expect(texts.at(-1)).toContain('Open: 7260.00 USD remaining.');
  });

  it('keeps page 1 as a PNG a reviewer can look at (test-artifacts/pdf/usd-invoice-page1.png)', async () => {
    const pdf = await render('usd-invoice', usdInvoice());
    const prefix = join(artifacts, 'usd-invoice-page1');
    execFileSync(poppler.pdftoppm, ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf.path, prefix]);
    const png = `${prefix}.png`;
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // A4 at 80 dpi, rounded up by pdftoppm: 595.28 × 80 / 72 = 661.4 → 662 by 841.89 × 80 / 72 = 935.4 → 936 pixels.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([662, 936]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
