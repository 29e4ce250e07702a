import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCreditNote, isDomainError, type CreditableInvoice, type CreditNoteRequest } from '../../../src/domain/index.js';

/** An invoice as credit notes see it; `credit` applies a note's amounts to it, as the database would. */
function invoiceOf(lines: Array<{ amount: number; quantity?: number }>, adjustments = 0): CreditableInvoice {
  const charged = lines.reduce((sum, line) => sum + line.amount, 0);
  return {
    total: BigInt(charged + adjustments),
    adjustments: BigInt(adjustments),
    lines: lines.map((line, i) => ({ id: `il_${i}`, description: `line ${i}`, amount: BigInt(line.amount), quantity: line.quantity ?? null, creditedAmount: 0n, creditedQuantity: 0 })),
    credited: 0n,
  };
}

function credit(invoice: CreditableInvoice, request: CreditNoteRequest): { invoice: CreditableInvoice; total: bigint } {
  const note = computeCreditNote(invoice, request);
  const lines = invoice.lines.map((line) => {
    const credited = note.lines.find((l) => l.lineId === line.id);
    return credited === undefined ? line : { ...line, creditedAmount: line.creditedAmount + credited.amount, creditedQuantity: line.creditedQuantity + (credited.quantity ?? 0) };
  });
  return { invoice: { ...invoice, lines, credited: invoice.credited + note.total }, total: note.total };
}

describe('computeCreditNote', () => {
  it('credits a whole line, part of one, and units of one; with no discount or tax the note is what the lines say', () => {
    const invoice = invoiceOf([{ amount: 3000, quantity: 3 }, { amount: 1500 }]);
    expect(computeCreditNote(invoice, { kind: 'lines', lines: [{ lineId: 'il_1' }] })).toMatchObject({ subtotal: 1500n, adjustment: 0n, total: 1500n });
    expect(computeCreditNote(invoice, { kind: 'lines', lines: [{ lineId: 'il_1', amount: 400n }] }).total).toBe(400n);
    // 2 of 3 units of $30.00: 3000 × 2 / 3 = 2000.
    expect(computeCreditNote(invoice, { kind: 'lines', lines: [{ lineId: 'il_0', quantity: 2 }] })).toMatchObject({ total: 2000n, lines: [{ quantity: 2, amount: 2000n }] });
  });

  it("gives a line back with its share of the invoice's discount and tax", () => {
    // Lines 3000 + 1000, a 10% discount (−400) and 8% tax on the rest (+288): total 3888.
    const invoice = invoiceOf([{ amount: 3000 }, { amount: 1000 }], -400 + 288);
    // The 1000 line's share of the adjustments: −112 × 1000 / 4000 = −28 → 972.
    expect(computeCreditNote(invoice, { kind: 'lines', lines: [{ lineId: 'il_1' }] })).toMatchObject({ subtotal: 1000n, adjustment: -28n, total: 972n });
    // Then the 3000 line: every line is now credited, so it takes exactly what is left: 3888 − 972 = 2916.
    const after = credit(invoice, { kind: 'lines', lines: [{ lineId: 'il_1' }] }).invoice;
    expect(computeCreditNote(after, { kind: 'lines', lines: [{ lineId: 'il_0' }] })).toMatchObject({ subtotal: 3000n, total: 2916n, adjustment: -84n });
  });

  it('refuses more than is left: of the invoice, of a line, of its units; a discount line; a line twice', () => {
    const invoice = invoiceOf([{ amount: 1000, quantity: 2 }, { amount: -200 }]);
    const refusal = (request: CreditNoteRequest) => {
      try {
        computeCreditNote(invoice, request);
        return null;
      } catch (error) {
        return isDomainError(error) ? error.code : String(error);
      }
    };
    expect(refusal({ kind: 'amount', amount: 801n })).toBe('invalid_credit_note');
    expect(refusal({ kind: 'amount', amount: 800n })).toBeNull();
    expect(refusal({ kind: 'lines', lines: [{ lineId: 'il_0', amount: 1001n }] })).toBe('invalid_credit_note');
    expect(refusal({ kind: 'lines', lines: [{ lineId: 'il_0', quantity: 3 }] })).toBe('invalid_credit_note');
    expect(refusal({ kind: 'lines', lines: [{ lineId: 'il_1' }] })).toBe('invalid_credit_note');
    expect(refusal({ kind: 'lines', lines: [{ lineId: 'il_0' }, { lineId: 'il_0' }] })).toBe('invalid_credit_note');
    expect(refusal({ kind: 'lines', lines: [{ lineId: 'nope' }] })).toBe('invalid_credit_note');
  });

  it('property: whatever notes are issued, they never credit more than the total, and crediting everything left sums to it exactly', () => {
    const line = fc.record({ amount: fc.integer({ min: 1, max: 1_000_000 }), quantity: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }) });
    const step = fc.oneof(
      fc.record({ kind: fc.constant('whole' as const), line: fc.nat(5) }),
      fc.record({ kind: fc.constant('part' as const), line: fc.nat(5), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
      fc.record({ kind: fc.constant('units' as const), line: fc.nat(5), quantity: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ kind: fc.constant('amount' as const), amount: fc.integer({ min: 1, max: 500_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 25 }), fc.array(step, { maxLength: 12 }), (lines, discountPercent, taxPercent, steps) => {
        const charged = lines.reduce((sum, l) => sum + l.amount, 0);
        const discount = -Math.floor((charged * discountPercent) / 100);
        const tax = Math.floor(((charged + discount) * taxPercent) / 100);
        let invoice = invoiceOf(lines, discount + tax);
        let sum = 0n;
        const issue = (request: CreditNoteRequest) => {
          try {
            const next = credit(invoice, request);
            expect(next.total).toBeGreaterThan(0n);
            invoice = next.invoice;
            sum += next.total;
          } catch (error) {
            if (!isDomainError(error)) throw error;
          }
          expect(sum).toBeLessThanOrEqual(invoice.total);
          expect(sum).toBe(invoice.credited);
        };
        for (const s of steps) {
          const id = `il_${s.kind === 'amount' ? 0 : s.line % lines.length}`;
          if (s.kind === 'amount') issue({ kind: 'amount', amount: BigInt(s.amount) });
          else if (s.kind === 'whole') issue({ kind: 'lines', lines: [{ lineId: id }] });
          else if (s.kind === 'part') issue({ kind: 'lines', lines: [{ lineId: id, amount: BigInt(s.amount) }] });
          else issue({ kind: 'lines', lines: [{ lineId: id, quantity: s.quantity }] });
        }
        const left = invoice.lines.filter((l) => l.creditedAmount < l.amount).map((l) => ({ lineId: l.id }));
        if (left.length > 0) issue({ kind: 'lines', lines: left });
        // Every line fully credited (or nothing was left of the total): the notes sum to the invoice exactly.
        expect(sum).toBe(invoice.total);
      }),
      { numRuns: 300 },
    );
  });
});
