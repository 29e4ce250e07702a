import { currencyExponent, money } from '../../domain/index.js';
import { div, parseDecimal, ratio, toDecimalString } from '../../domain/rational.js';
import { formatDay, formatMoney } from '../notifications/email-context.js';
import type { InvoiceDocument } from './invoice-document.js';

/**
 * The words and numbers the invoice PDF prints. Money goes through the one formatter the emails
 * use ("12.34 USD", "1500 JPY", "1.250 KWD": the currency's own exponent, its code rather than a
 * symbol two currencies share), dates through the emails' "5 March 2026" (UTC).
 */

export function printedAmount(minorUnits: number, currency: string): string {
  return formatMoney(money(minorUnits, currency));
}

/**
 * A unit amount is stored in minor units and may be a fraction of one (usage priced at $0.0006 a
 * call is "0.06" cents): printed in major units with at least the currency's decimals, exactly.
 */
export function printedUnitAmount(minorUnitsDecimal: string, currency: string): string {
  if (/^-?\d+$/.test(minorUnitsDecimal)) return formatMoney(money(minorUnitsDecimal, currency));
  const exponent = currencyExponent(currency);
  const major = toDecimalString(div(parseDecimal(minorUnitsDecimal, 'unitAmountDecimal'), ratio(10n ** BigInt(exponent))));
  const [whole, fraction = ''] = major.split('.');
  return `${whole}.${fraction.padEnd(exponent, '0')} ${currency.toUpperCase()}`;
}

export function printedDay(iso: string): string {
  return formatDay(iso);
}

export function printedPeriod(start: string | null, end: string | null): string | null {
  return start === null || end === null ? null : `${formatDay(start)} – ${formatDay(end)}`;
}

/** "order_change" → "Order change". */
export function printedWord(code: string): string {
  const words = code.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const CREDIT_NOTE_OUTCOMES: Record<string, string> = {
  refund: 'Refunded',
  credit_balance: 'Credited to balance',
  reduce_amount_due: 'Reduced amount due',
};

export function printedCreditNoteOutcome(outcome: string): string {
  return CREDIT_NOTE_OUTCOMES[outcome] ?? printedWord(outcome);
}

const FAILED_ATTEMPTS = new Set(['declined', 'requires_action', 'no_payment_method', 'rejected']);

/**
 * Where the invoice stands, as a sentence or two: paid on a date, open with what remains, void,
 * uncollectible; and the latest charge attempt when it failed (what a finance user is asked about).
 */
export function paymentStatusLines(document: Pick<InvoiceDocument, 'invoice' | 'lastPayment'>): string[] {
  const { invoice, lastPayment } = document;
  const amount = (value: number) => printedAmount(value, invoice.currency);
  const lines: string[] = [];
  switch (invoice.status) {
    case 'draft':
      lines.push('Draft: not yet issued, nothing is due yet.');
      break;
    case 'paid':
      lines.push(`Paid${invoice.paidAt === null ? '' : ` on ${printedDay(invoice.paidAt)}`}: ${amount(invoice.amountPaid)} received.`);
      break;
    case 'open':
      lines.push(`Open: ${amount(invoice.amountDue - invoice.amountPaid)} remaining${invoice.nextPaymentAttemptAt === null ? '' : `, next payment attempt on ${printedDay(invoice.nextPaymentAttemptAt)}`}.`);
      break;
    case 'void':
      lines.push(`Void${invoice.voidedAt === null ? '' : ` since ${printedDay(invoice.voidedAt)}`}: nothing is owed.`);
      break;
    case 'uncollectible':
      lines.push(`Uncollectible${invoice.markedUncollectibleAt === null ? '' : ` since ${printedDay(invoice.markedUncollectibleAt)}`}: ${amount(invoice.amountDue - invoice.amountPaid)} unpaid.`);
      break;
  }
  if (lastPayment !== null && FAILED_ATTEMPTS.has(lastPayment.status)) {
    const codes = [lastPayment.failureCode, lastPayment.declineCode].filter((code): code is string => code !== null && code !== '');
    const detail = [codes.length === 0 ? null : `(${codes.join(', ')})`, lastPayment.failureMessage].filter((part) => part !== null && part !== '').join(' ');
    lines.push(`Last payment attempt (#${lastPayment.attemptNumber}, ${printedDay(lastPayment.createdAt)}): ${printedWord(lastPayment.status)}${detail === '' ? '' : ` ${detail}`}.`);
  }
  return lines;
}

// Helvetica, as every PDF reader has it, draws the WinAnsi characters only: Latin-1 and these.
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function encodable(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(character);
}

/**
 * Text as the built-in fonts can draw it: whitespace runs become one space, a letter outside
 * WinAnsi loses its accent when that makes it drawable ("ő" → "o"), and anything else is "?",
 * rather than the wrong glyph pdfkit would pick for it.
 */
export function printable(text: string): string {
  return [...text.replace(/\s+/g, ' ').normalize('NFC')]
    .map((character) => {
      if (encodable(character)) return character;
      const base = character.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      return base !== '' && [...base].every(encodable) ? base : '?';
    })
    .join('');
}
