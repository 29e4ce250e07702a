import { DomainError } from './errors.js';
import { compare, div, fromInteger, mul, parseDecimal, type Rational } from './rational.js';
import { roundQuantity } from './usage.js';

/**
 * Usage alert thresholds: an absolute quantity of a meter, or a percentage of a metered
 * feature's limit. Pure: the caller reads the usage and the limit; this module says which
 * thresholds stand at which quantity and which of them the usage has reached.
 */
export type AlertThreshold = { readonly quantity: string } | { readonly percentOfLimit: string };

const EXACT = Number.MAX_SAFE_INTEGER;
const QUANTITY = /^\d{1,26}(\.\d{1,12})?$/;

/** The threshold's stable name: `quantity:1000` or `percent:80` (what "fired once per period" is keyed by). */
export function thresholdKey(threshold: AlertThreshold): string {
  return 'quantity' in threshold ? `quantity:${roundQuantity(parseDecimal(threshold.quantity, 'quantity', EXACT))}` : `percent:${roundQuantity(parseDecimal(threshold.percentOfLimit, 'percentOfLimit', EXACT))}`;
}

/** Checks thresholds: non-negative decimals, a percentage above 0 and at most 1,000, no two alike. */
export function assertThresholds(thresholds: readonly AlertThreshold[]): void {
  if (thresholds.length === 0 || thresholds.length > 20) throw new DomainError('invalid_usage_alert', 'an alert has 1 to 20 thresholds', { count: thresholds.length });
  const seen = new Set<string>();
  for (const threshold of thresholds) {
    const text = 'quantity' in threshold ? threshold.quantity : threshold.percentOfLimit;
    if (!QUANTITY.test(text)) throw new DomainError('invalid_usage_alert', 'a threshold is a non-negative decimal with at most 12 decimal places', { threshold: text });
    if ('percentOfLimit' in threshold) {
      const percent = parseDecimal(text, 'percentOfLimit', EXACT);
      if (compare(percent, fromInteger(0)) <= 0 || compare(percent, fromInteger(1000)) > 0) throw new DomainError('invalid_usage_alert', 'percentOfLimit is above 0 and at most 1000', { percentOfLimit: text });
    }
    const key = thresholdKey(threshold);
    if (seen.has(key)) throw new DomainError('invalid_usage_alert', `threshold ${key} is given twice`, { threshold: key });
    seen.add(key);
  }
}

/** The quantity a threshold stands at: its own, or the percentage of `limit` (null when there is no limit to take it of). */
export function thresholdQuantity(threshold: AlertThreshold, limit: string | null): string | null {
  if ('quantity' in threshold) return roundQuantity(parseDecimal(threshold.quantity, 'quantity', EXACT));
  if (limit === null) return null;
  const of: Rational = mul(parseDecimal(limit, 'limit', EXACT), div(parseDecimal(threshold.percentOfLimit, 'percentOfLimit', EXACT), fromInteger(100)));
  return roundQuantity(of);
}

export interface CrossedThreshold {
  threshold: AlertThreshold;
  key: string;
  quantity: string;
}

/** The thresholds `usage` has reached (usage ≥ the threshold's quantity), in the order given. */
export function crossedThresholds(thresholds: readonly AlertThreshold[], usage: string, limit: string | null): CrossedThreshold[] {
  const used = parseDecimal(usage, 'usage', EXACT);
  return thresholds.flatMap((threshold) => {
    const quantity = thresholdQuantity(threshold, limit);
    if (quantity === null || compare(used, parseDecimal(quantity, 'quantity', EXACT)) < 0) return [];
    return [{ threshold, key: thresholdKey(threshold), quantity }];
  });
}
