import type { InvoiceDocument } from '../../../../src/billing/invoices/invoice-document.js';
import type { InvoiceLineView, InvoiceView } from '../../../../src/billing/invoices/views.js';

/** Invoice documents for the renderer's tests: plain views, as getInvoiceDocument returns them. */

export type LineInput = Partial<InvoiceLineView> & Pick<InvoiceLineView, 'description' | 'amount'>;

let lineNumber = 0;

export function line(currency: string, input: LineInput): InvoiceLineView {
  lineNumber += 1;
  return {
    id: `il_test${String(lineNumber).padStart(6, '0')}`,
    object: 'invoice_line',
    kind: 'recurring',
    priceId: null,
    subscriptionItemId: null,
    quantity: null,
    unitAmountDecimal: null,
    periodStart: null,
    periodEnd: null,
    meterId: null,
    usageQuantity: null,
    ...input,
    currency,
  };
}

export function invoiceView(input: Partial<InvoiceView> & Pick<InvoiceView, 'currency' | 'lines'>): InvoiceView {
  return {
    id: 'inv_test0000000000000001',
    object: 'invoice',
    number: 'INV-000001',
    status: 'open',
    kind: 'recurring',
    customerId: 'cust_test0000000000000001',
    subscriptionId: null,
    periodIndex: null,
    periodStart: null,
    periodEnd: null,
    subtotal: 0,
    discountTotal: 0,
    taxTotal: 0,
    total: 0,
    creditApplied: 0,
    amountDue: 0,
    amountPaid: 0,
    amountCredited: 0,
    amountRemaining: 0,
    amountRefunded: 0,
    dispute: null,
    attemptCount: 0,
    nextPaymentAttemptAt: null,
    createdAt: '2026-03-01T00:00:00.000Z',
    finalizedAt: '2026-03-01T00:00:00.000Z',
    paidAt: null,
    voidedAt: null,
    markedUncollectibleAt: null,
    attention: null,
    ...input,
  };
}

export function invoiceDocument(invoice: InvoiceView, input: Partial<Omit<InvoiceDocument, 'invoice'>> = {}): InvoiceDocument {
  return {
    issuer: { name: 'Acme Billing GmbH', addressLines: ['Hauptstraße 5', '10115 Berlin', 'Germany'], email: 'billing@acme.example', taxId: 'DE123456789' },
    footer: 'Payable within 14 days. IBAN DE89 3704 0044 0532 0130 00.',
    customer: { id: invoice.customerId, externalId: 'crm-42', name: 'Jane Customer', email: 'jane@example.com' },
    creditNotes: [],
    lastPayment: null,
    ...input,
    invoice,
  };
}
