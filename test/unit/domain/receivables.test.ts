import { describe, expect, it } from 'vitest';
import { receivablesByBucket, type ReceivableInvoice } from '../../../src/domain/index.js';

const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
const invoice = (fields: Partial<ReceivableInvoice> & Pick<ReceivableInvoice, 'total' | 'finalizedAt'>): ReceivableInvoice => ({
  amountDue: fields.total,
  voidedAt: null,
  paidAt: null,
  uncollectibleAt: null,
  payments: [],
  firstFailureAt: null,
  ...fields,
});

describe('receivablesByBucket', () => {
  const months = [utc(2030, 6, 1), utc(2030, 7, 1), utc(2030, 8, 1)];
  const invoices = [
    // Paid at once in June.
    invoice({ total: 5000n, finalizedAt: utc(2030, 6, 3), paidAt: utc(2030, 6, 3), payments: [{ at: utc(2030, 6, 3), amount: 5000n }] }),
    // Failed on 10 June, paid on 2 July after a retry: past due at the end of June.
    invoice({ total: 8000n, finalizedAt: utc(2030, 6, 10), firstFailureAt: utc(2030, 6, 10), paidAt: utc(2030, 7, 2), payments: [{ at: utc(2030, 7, 2), amount: 8000n }] }),
    // 3000 total, 1000 of credit applied: 2000 due, still open and never attempted.
    invoice({ total: 3000n, amountDue: 2000n, finalizedAt: utc(2030, 6, 28) }),
    // Voided: never counted.
    invoice({ total: 9999n, finalizedAt: utc(2030, 6, 5), voidedAt: utc(2030, 6, 6) }),
    // Written off in July after failing.
    invoice({ total: 4000n, finalizedAt: utc(2030, 6, 20), firstFailureAt: utc(2030, 6, 20), uncollectibleAt: utc(2030, 7, 15) }),
  ];

  it('adds up invoiced and collected in each month, and what is owed and past due at its end', () => {
    const [june, july] = receivablesByBucket(invoices, months);
    // June invoiced 5000 + 8000 + 3000 + 4000 = 20000 (the void left out); collected 5000.
    // Owed at 30 June: 8000 + 2000 + 4000 = 14000; past due (failed): 8000 + 4000 = 12000.
    expect(june).toEqual({ invoiced: 20_000n, collected: 5000n, outstanding: 14_000n, pastDue: 12_000n });
    // July: nothing invoiced, 8000 collected; owed at 31 July: only the 2000 (the 4000 was written off).
    expect(july).toEqual({ invoiced: 0n, collected: 8000n, outstanding: 2000n, pastDue: 0n });
  });
});
