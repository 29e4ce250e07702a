import { html } from 'hono/html';
import { money, toMajorString } from '../../domain/money.js';

/** "1,234.50 USD" from minor units, in the currency's own exponent (JPY has none, KWD three). */
export function formatAmount(minorUnits: number, currency: string): string {
  const major = toMajorString(money(minorUnits, currency));
  const [whole = '0', fraction] = major.replace('-', '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${major.startsWith('-') ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`} ${currency.toUpperCase()}`;
}

/** "5 Mar 2031" (UTC, the billing clock's day). */
export function formatDay(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return new Date(iso).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
}

/** "5 Mar 2031, 14:02 UTC". */
export function formatInstant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const at = new Date(iso);
  return `${formatDay(iso)}, ${at.toISOString().slice(11, 16)} UTC`;
}

/** A fraction as a percentage with one decimal, or — when it has no denominator. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)} %`;
}

const TONES: Record<string, string> = {
  active: 'good',
  paid: 'good',
  succeeded: 'good',
  trialing: 'info',
  draft: 'muted',
  open: 'info',
  pending: 'warn',
  requires_action: 'warn',
  incomplete: 'warn',
  paused: 'muted',
  past_due: 'bad',
  unpaid: 'bad',
  declined: 'bad',
  rejected: 'bad',
  no_payment_method: 'warn',
  canceled: 'muted',
  void: 'muted',
  uncollectible: 'bad',
  incomplete_expired: 'muted',
};

/** A status as a coloured badge (the words stay, so the page reads without colour). */
export function badge(status: string) {
  return html`<span class="badge ${TONES[status] ?? 'muted'}">${status.replace(/_/g, ' ')}</span>`;
}
