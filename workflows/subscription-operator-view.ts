import { getCurrency, instantToIso } from '../src/domain/index.js';
import { attentionOf, currentPeriod, nextAction, type CollectionState, type SubscriptionState } from './subscription-state.js';

/**
 * What an operator reads about a subscription in the Temporal UI: its details (the workflow's
 * current details, markdown), the name of the timer it waits on, and the invoice being collected.
 * Pure functions of the state.
 */

/** The invoice being collected that comes due first (a retry scheduled, else the oldest). */
export function openCollection(s: SubscriptionState): CollectionState | null {
  const scheduled = s.collections.filter((c) => c.nextRetryAt !== null).sort((a, b) => a.nextRetryAt! - b.nextRetryAt!);
  return scheduled[0] ?? s.collections[0] ?? null;
}

/**
 * The next time the subscription bills by itself — its trial end or its period's end — apart from
 * any dunning retry (NextRetryTime); null while paused or once canceled.
 */
export function nextBillingAt(s: SubscriptionState): number | null {
  if (s.status === 'canceled' || s.status === 'paused') return null;
  if (s.status === 'trialing') return s.trialEnd;
  return currentPeriod(s).end;
}

/** When the subscription fell behind: the first failed attempt of the invoice being collected. */
export function pastDueSince(s: SubscriptionState): number | null {
  const failed = openCollection(s)?.attempts.find((attempt) => attempt.outcome === 'failed');
  return failed?.at ?? null;
}

function amountText(minor: number, currency: string): string {
  let exponent: number;
  try {
    exponent = getCurrency(currency).exponent;
  } catch {
    return `${minor} minor units of ${currency}`; // never let a label stop the workflow
  }
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole} ${currency.toUpperCase()}`;
}

function invoiceName(c: CollectionState): string {
  return c.invoiceNumber ?? c.invoiceId;
}

function maxAttempts(s: SubscriptionState): number {
  return s.policy.dunning.maxAttempts ?? 1 + s.policy.dunning.retryOffsetsDays.length;
}

/** The name of the timer the workflow waits on next, e.g. "dunning retry 2 of 4 for INV-000123". */
export function wakeSummary(s: SubscriptionState): string {
  const next = nextAction(s);
  switch (next.kind) {
    case 'payment_retry': {
      const due = s.collections.find((c) => c.nextRetryAt !== null && instantToIso(c.nextRetryAt) === next.at) ?? openCollection(s);
      if (!due) return 'payment retry';
      const attempt = due.attempts.length + 1;
      return attempt === 1 ? `first charge of ${invoiceName(due)}` : `dunning retry ${attempt - 1} of ${maxAttempts(s) - 1} for ${invoiceName(due)}`;
    }
    case 'renewal':
      return `renewal into period ${s.periodIndex + 1}`;
    case 'trial_end':
      return 'trial end';
    case 'scheduled_change':
      return `scheduled change at the end of period ${s.periodIndex}`;
    case 'cancellation':
      return 'cancellation at the period end';
    case 'pending_payment_expiry':
      return 'an unpaid change expires';
    case 'step_retry':
      return `billing step retried after failure ${s.stepFailure?.failures ?? 1}`;
    case 'none':
      return 'waiting for a request';
  }
}

/** The workflow's current details: who, what, what is owed, what happens next, what is wrong. */
export function operatorDetails(s: SubscriptionState): string {
  const plan = s.items.map((item) => `${item.price.productName} × ${item.quantity} (${item.priceId})`).join(', ');
  const open = openCollection(s);
  const next = nextAction(s);
  const attention = attentionOf(s);
  const lines = [
    `**${s.status}** · customer \`${s.customerId}\` · tenant \`${s.tenantId}\``,
    `plan: ${plan || 'none'}`,
    open
      ? `collecting ${invoiceName(open)} (\`${open.invoiceId}\`)${open.amountDue === undefined ? '' : `: ${amountText(open.amountDue, s.currency)} due`}, ${open.attempts.length} attempt(s)${open.nextRetryAt === null ? '' : `, next at ${instantToIso(open.nextRetryAt)}`}`
      : 'nothing due',
    `next: ${wakeSummary(s)}${next.at ? ` at ${next.at}` : ''}`,
  ];
  if (attention) lines.push(`attention: **${attention.reason}** — ${attention.message}`);
  return lines.join('\n\n');
}
