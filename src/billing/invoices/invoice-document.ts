import type { CreditNoteView } from '../credit-notes/views.js';
import type { PaymentView } from '../payments/views.js';
import type { InvoiceView } from './views.js';

/** Who issues the invoice, as the tenant's billing settings name it. */
export interface InvoiceIssuer {
  name: string;
  /** The postal address, one entry per printed line. */
  addressLines: string[];
  email: string | null;
  taxId: string | null;
}

/**
 * Everything the invoice PDF prints, as plain data: the renderer reads nothing else, so a test can
 * render any invoice without a database. The invoice itself is the API's view (the same totals,
 * lines and dates a client reads), never recomputed.
 */
export interface InvoiceDocument {
  issuer: InvoiceIssuer;
  /** Printed at the foot of every page (payment terms, bank details…). */
  footer: string | null;
  customer: { id: string; externalId: string | null; name: string | null; email: string | null };
  invoice: InvoiceView;
  /** The invoice's credit notes, oldest first. */
  creditNotes: Array<Pick<CreditNoteView, 'number' | 'reason' | 'outcome' | 'total' | 'createdAt'>>;
  /** The latest charge attempt, if it was ever charged. */
  lastPayment: Pick<PaymentView, 'attemptNumber' | 'status' | 'failureCode' | 'declineCode' | 'failureMessage' | 'createdAt'> | null;
}
