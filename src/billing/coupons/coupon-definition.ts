import type { Coupon } from '../../domain/index.js';
import { moneyFromColumn } from '../amounts.js';

export interface CouponRow {
  id: string;
  /** A decimal string (a NUMERIC column through `decimalString`). */
  percentOff: string | null;
  amountOff: bigint | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  durationInPeriods: number | null;
}

/** A coupon row as the domain's `Coupon` (percent or fixed amount, with its duration). */
export function couponFromRow(row: CouponRow): Coupon {
  const duration = row.duration === 'repeating' ? { duration: row.duration, durationInPeriods: row.durationInPeriods ?? 0 } : { duration: row.duration };
  const { percentOff } = row;
  if (percentOff !== null) return { id: row.id, type: 'percent', percentOff, ...duration };
  return { id: row.id, type: 'fixed_amount', amountOff: moneyFromColumn(row.amountOff ?? 0n, row.currency ?? ''), ...duration };
}
