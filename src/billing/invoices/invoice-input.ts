import type { Money } from '../../domain/index.js';

/** What an invoice is for: a period's recurring fees, a change's proration, usage, a final bill. */
export type InvoiceKind = 'recurring' | 'proration' | 'final';
export type InvoiceLineKind = 'recurring' | 'proration' | 'usage';

/** A line priced by the caller (recurring fee, proration, usage); discount and tax lines are added here. */
export interface InvoiceLineInput {
  kind: InvoiceLineKind;
  description: string;
  priceId: string | null;
  quantity: number | null;
  /** The unit amount in minor units as a decimal string, when one rate explains the line. */
  unitAmountDecimal: string | null;
  amount: Money;
  /** Epoch ms. */
  periodStart: number | null;
  periodEnd: number | null;
  /** Proration credits are not discounted again (their original charge already was). */
  discountable: boolean;
}

export interface CreateInvoiceInput {
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  /** Unique per tenant: the same source (a period, a change, a usage close) always finds the same invoice. */
  sourceKey: string;
  kind: InvoiceKind;
  currency: string;
  periodIndex: number | null;
  periodStart: number | null;
  periodEnd: number | null;
  lines: InvoiceLineInput[];
}
