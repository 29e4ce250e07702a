import type { Money } from '../../domain/index.js';

/** What an invoice is for: a period's recurring fees, a change's proration, usage, a final bill. */
export type InvoiceKind = 'recurring' | 'proration' | 'final' | 'threshold';
export type InvoiceLineKind = 'recurring' | 'proration' | 'usage' | 'one_off';

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
  /** Usage lines: the meter and its aggregated quantity (a decimal string). */
  meterId?: string | null;
  usageQuantity?: string | null;
}

/** A stretch of time one metered price bills its meter for. */
export interface UsageWindow {
  priceId: string;
  meterId: string;
  /** Epoch ms, `[from, to)`. */
  from: number;
  to: number;
}

/**
 * The usage an invoice bills, priced when the invoice is drafted (and again when a held draft is
 * finalized): each window's quantity from the meter's roll-ups, and — for windows billed before
 * and still able to receive late events — the difference as an adjustment line.
 */
export interface InvoiceUsage {
  windows: UsageWindow[];
  /** Windows billed before that end after this instant are reconciled (null: none). */
  reconcileSince: number | null;
  /** The subscription's last invoice: later events are no longer billed (`usage_closed`). */
  closeUsage: boolean;
  /**
   * A spend-threshold invoice: bills each window's usage so far less what earlier threshold
   * invoices billed of it, and records that as `progressive` charges, which the period's own
   * invoice then subtracts — so the period is billed exactly once in total.
   */
  progressive?: boolean;
  /** A spend-threshold invoice is issued only when its usage comes to at least this (minor units). */
  minimumAmount?: number;
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
  usage?: InvoiceUsage | null;
}
