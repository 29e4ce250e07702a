/** An invoice as the receivables view reads it (epoch ms, minor units). */
export interface ReceivableInvoice {
  readonly total: bigint;
  /** What the customer was asked to pay: the total less credit applied and notes off what is due. */
  readonly amountDue: bigint;
  readonly finalizedAt: number;
  readonly voidedAt: number | null;
  readonly paidAt: number | null;
  readonly uncollectibleAt: number | null;
  /** Successful payments. */
  readonly payments: ReadonlyArray<{ readonly at: number; readonly amount: bigint }>;
  /** The first failed payment attempt: from then on an unpaid invoice is past due. */
  readonly firstFailureAt: number | null;
}

export interface ReceivablesBucket {
  /** Totals of the invoices finalized in the bucket (voided invoices are not counted at all). */
  readonly invoiced: bigint;
  /** Payments received in the bucket. */
  readonly collected: bigint;
  /** At the bucket's end: what finalized, unpaid, not voided, not written-off invoices still owe. */
  readonly outstanding: bigint;
  /** The part of `outstanding` whose collection has failed at least once. */
  readonly pastDue: bigint;
}

const within = (at: number, start: number, end: number) => at >= start && at < end;
const before = (at: number | null, end: number) => at !== null && at < end;

/** Invoiced, collected, outstanding and past-due per bucket `[boundaries[i], boundaries[i + 1])`. */
export function receivablesByBucket(invoices: readonly ReceivableInvoice[], boundaries: readonly number[]): ReceivablesBucket[] {
  const buckets: ReceivablesBucket[] = [];
  for (let i = 0; i + 1 < boundaries.length; i += 1) {
    const start = boundaries[i] ?? 0;
    const end = boundaries[i + 1] ?? 0;
    let invoiced = 0n;
    let collected = 0n;
    let outstanding = 0n;
    let pastDue = 0n;
    for (const invoice of invoices) {
      for (const payment of invoice.payments) if (within(payment.at, start, end)) collected += payment.amount;
      if (invoice.voidedAt !== null) continue;
      if (within(invoice.finalizedAt, start, end)) invoiced += invoice.total;
      const open = invoice.finalizedAt < end && !before(invoice.paidAt, end) && !before(invoice.uncollectibleAt, end);
      if (!open) continue;
      const paid = invoice.payments.filter((payment) => payment.at < end).reduce((sum, payment) => sum + payment.amount, 0n);
      const owed = invoice.amountDue > paid ? invoice.amountDue - paid : 0n;
      outstanding += owed;
      if (before(invoice.firstFailureAt, end)) pastDue += owed;
    }
    buckets.push({ invoiced, collected, outstanding, pastDue });
  }
  return buckets;
}
