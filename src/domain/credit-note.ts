import { DomainError } from './errors.js';

/**
 * How much a credit note credits, in integer minor units. Pure: no I/O.
 *
 * A note credits whole invoice lines, part of a line (an amount, or a quantity of its units), or
 * an amount of the invoice as a whole. Line credits are given back with their share of the
 * invoice's discounts and tax — Σ(discount and tax lines) × credited ÷ Σ(positive charge lines),
 * rounded half away from zero — and the note that leaves every charge line fully credited takes
 * exactly what is left, so the notes of an invoice sum to its total, never a cent more or less.
 */
export interface CreditableLine {
  id: string;
  description: string;
  /** The line's amount; only positive charge lines can be credited. */
  amount: bigint;
  quantity: number | null;
  /** What earlier notes credited of this line, in amount and in units. */
  creditedAmount: bigint;
  creditedQuantity: number;
}

export interface CreditableInvoice {
  /** What the invoice charged: Σ of all its lines, after discounts and tax. */
  total: bigint;
  /** Σ of its discount lines (≤ 0) and tax lines (≥ 0). */
  adjustments: bigint;
  lines: readonly CreditableLine[];
  /** What earlier notes credited in all. */
  credited: bigint;
}

export type CreditNoteRequest =
  | { kind: 'lines'; lines: ReadonlyArray<{ lineId: string; amount?: bigint; quantity?: number }> }
  | { kind: 'amount'; amount: bigint };

export interface CreditNoteLineAmount {
  lineId: string | null;
  description: string;
  quantity: number | null;
  amount: bigint;
}

export interface CreditNoteAmounts {
  lines: CreditNoteLineAmount[];
  subtotal: bigint;
  adjustment: bigint;
  total: bigint;
}

function refuse(message: string, details: Record<string, unknown> = {}): never {
  throw new DomainError('invalid_credit_note', message, details);
}

/** a × b ÷ c, rounded half away from zero; c > 0. */
function scaleRounded(a: bigint, b: bigint, c: bigint): bigint {
  const product = a * b;
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + c) / (2n * c);
  return product < 0n ? -rounded : rounded;
}

function lineCredit(line: CreditableLine, asked: { amount?: bigint; quantity?: number }): { amount: bigint; quantity: number | null } {
  const remaining = line.amount - line.creditedAmount;
  if (asked.amount !== undefined && asked.quantity !== undefined) refuse(`Give an amount or a quantity for line ${line.id}, not both`, { lineId: line.id });
  if (asked.quantity !== undefined) {
    if (line.quantity === null || line.quantity <= 0) refuse(`Line ${line.id} has no quantity to credit by`, { lineId: line.id });
    const left = line.quantity - line.creditedQuantity;
    if (!Number.isInteger(asked.quantity) || asked.quantity < 1 || asked.quantity > left) {
      refuse(`Line ${line.id} has ${left} of ${line.quantity} units left to credit`, { lineId: line.id, quantity: asked.quantity, remainingQuantity: left });
    }
    // The last units take whatever amount is left, so a line credited unit by unit sums to its amount.
    const amount = asked.quantity === left ? remaining : scaleRounded(line.amount, BigInt(asked.quantity), BigInt(line.quantity));
    return { amount: amount > remaining ? remaining : amount, quantity: asked.quantity };
  }
  const amount = asked.amount ?? remaining;
  if (amount < 1n || amount > remaining) refuse(`Line ${line.id} has ${remaining} minor units left to credit`, { lineId: line.id, amount: amount.toString(), remaining: remaining.toString() });
  return { amount, quantity: null };
}

export function computeCreditNote(invoice: CreditableInvoice, request: CreditNoteRequest): CreditNoteAmounts {
  const remainingTotal = invoice.total - invoice.credited;
  if (request.kind === 'amount') {
    if (request.amount < 1n || request.amount > remainingTotal) {
      refuse(`The invoice has ${remainingTotal} minor units left to credit`, { amount: request.amount.toString(), remaining: remainingTotal.toString() });
    }
    return { lines: [{ lineId: null, description: 'Credit', quantity: null, amount: request.amount }], subtotal: request.amount, adjustment: 0n, total: request.amount };
  }
  if (request.lines.length === 0) refuse('Name at least one line to credit');
  const byId = new Map(invoice.lines.map((line) => [line.id, line]));
  const seen = new Set<string>();
  const lines: CreditNoteLineAmount[] = [];
  for (const asked of request.lines) {
    const line = byId.get(asked.lineId);
    if (line === undefined || line.amount <= 0n) refuse(`Line ${asked.lineId} is not a charge line of this invoice`, { lineId: asked.lineId });
    if (seen.has(line.id)) refuse(`Line ${line.id} is named twice`, { lineId: line.id });
    seen.add(line.id);
    const credit = lineCredit(line, asked);
    lines.push({ lineId: line.id, description: line.description, quantity: credit.quantity, amount: credit.amount });
  }
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0n);
  const chargeBase = invoice.lines.reduce((sum, line) => (line.amount > 0n ? sum + line.amount : sum), 0n);
  const creditedNow = new Map(lines.map((line) => [line.lineId, line.amount]));
  const everyLineDone = invoice.lines.every((line) => line.amount <= 0n || line.creditedAmount + (creditedNow.get(line.id) ?? 0n) === line.amount);
  let total = everyLineDone ? remainingTotal : subtotal + scaleRounded(invoice.adjustments, subtotal, chargeBase);
  if (total > remainingTotal) total = remainingTotal;
  if (total < 1n) refuse('The lines named have nothing left to credit once the invoice\'s discounts are counted', { remaining: remainingTotal.toString() });
  return { lines, subtotal, adjustment: total - subtotal, total };
}
