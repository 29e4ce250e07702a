import { DomainError } from './errors.js';
import { assertSameCurrency, fromMinorUnits, toMinorUnits } from './money.js';
import type { Money } from './money.js';

/**
 * The customer's credit balance applied to an invoice, after tax (credit pays the tax too, as in
 * Stripe and Lago). The balance is what we owe the customer, so it is zero or positive here
 * (Stripe stores it negative; the adapter flips the sign).
 *
 * Invariant: `total - applied === amountDue` and `startingBalance - applied === endingBalance`.
 * A negative total (a downgrade credited more than was charged) is never paid out: `applied` is
 * then negative, the amount due is zero and the difference goes back onto the balance.
 */
export interface CreditApplication {
  readonly applied: Money;
  readonly amountDue: Money;
  readonly endingBalance: Money;
}

/** Applies `balance` to an invoice `total`; same currency required. */
export function applyCreditBalance(total: Money, balance: Money): CreditApplication {
  const currency = assertSameCurrency(total, balance);
  const owed = toMinorUnits(total);
  const available = toMinorUnits(balance);
  if (available < 0n) {
    throw new DomainError('invalid_amount', 'A credit balance cannot be negative', { balance });
  }
  const applied = owed < 0n ? owed : owed < available ? owed : available;
  return {
    applied: fromMinorUnits(applied, currency),
    amountDue: fromMinorUnits(owed - applied, currency),
    endingBalance: fromMinorUnits(available - applied, currency),
  };
}
