import { couponAppliesToPeriod } from '../../domain/index.js';
import type { Coupon } from '../../domain/index.js';
import { decimalString } from '../amounts.js';
import { couponFromRow } from '../coupons/coupon-definition.js';
import { lockActiveDiscounts } from '../locks.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** A discount that applies to the invoice being built; the domain coupon's id is the discount's id. */
export interface ApplicableDiscount {
  discountId: string;
  label: string;
  coupon: Coupon;
  periodsApplied: number;
}

/**
 * The discounts that apply to this invoice, locked until the transaction ends so two invoices
 * built at once cannot both use a `once` coupon. Subscription discounts come before customer-wide
 * ones (the more specific first), each group in redemption order. A coupon applies while the
 * domain says so for the number of periods it has already discounted (`once`: none yet,
 * `repeating`: fewer than its duration, `forever`: always); archived coupons no longer apply, and
 * a fixed-amount coupon in another currency cannot apply (redemption refuses one, so it is skipped).
 */
export async function loadApplicableDiscounts(
  tx: Prisma.TransactionClient,
  query: { tenantId: string; subscriptionId: string; customerId: string; currency: string },
): Promise<ApplicableDiscount[]> {
  const ids = await lockActiveDiscounts(tx, query.tenantId, query.subscriptionId, query.customerId);
  if (ids.length === 0) return [];
  const rows = await tx.discount.findMany({ where: { id: { in: ids }, tenantId: query.tenantId }, include: { coupon: true } });
  return applicableDiscountsOf(rows, query.currency);
}

/**
 * Of a subscription's and its customer's open discounts, those the next invoice applies, in the
 * order it applies them (the rules above); shared with MRR, which reads them without a lock.
 */
export function applicableDiscountsOf(rows: ReadonlyArray<Prisma.DiscountGetPayload<{ include: { coupon: true } }>>, currency: string): ApplicableDiscount[] {
  const byRedemption = [...rows].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ordered = [...byRedemption.filter((row) => row.subscriptionId !== null), ...byRedemption.filter((row) => row.subscriptionId === null)];
  return ordered.flatMap((row) => {
    if (row.coupon.archivedAt !== null) return [];
    if (row.coupon.currency !== null && row.coupon.currency !== currency) return [];
    const coupon = couponFromRow({ ...row.coupon, id: row.id, percentOff: decimalString(row.coupon.percentOff) });
    if (!couponAppliesToPeriod(coupon, row.periodsApplied)) return [];
    return [{ discountId: row.id, label: row.coupon.name ?? row.coupon.code, coupon, periodsApplied: row.periodsApplied }];
  });
}

/**
 * The discounts a draft took part with when it was created, in the same order, whatever has
 * happened to them since (a `once` coupon it used has ended): pricing the draft again applies
 * exactly what it applied first.
 */
export async function loadDiscountsOfDraft(tx: Prisma.TransactionClient, tenantId: string, discountIds: readonly string[]): Promise<ApplicableDiscount[]> {
  if (discountIds.length === 0) return [];
  const rows = await tx.discount.findMany({ where: { id: { in: [...discountIds] }, tenantId }, include: { coupon: true } });
  return discountIds.flatMap((id) => {
    const row = rows.find((r) => r.id === id);
    if (row === undefined) return [];
    const coupon = couponFromRow({ ...row.coupon, id: row.id, percentOff: decimalString(row.coupon.percentOff) });
    return [{ discountId: row.id, label: row.coupon.name ?? row.coupon.code, coupon, periodsApplied: row.periodsApplied }];
  });
}

/**
 * Counts a billing period against each discount used, and notes on the invoice which ones it
 * used (so a void can give the period back). Only the period's recurring invoice counts (the
 * domain counts coupon durations in billing periods), so a proration invoice in the same period
 * is discounted without shortening the coupon. A discount that has run its course is ended, so
 * later invoices skip it without reading its coupon.
 */
export async function consumeDiscounts(tx: Prisma.TransactionClient, invoiceId: string, discounts: readonly ApplicableDiscount[], now: Date): Promise<void> {
  for (const { discountId, coupon, periodsApplied } of discounts) {
    const applied = periodsApplied + 1;
    const finished = coupon.duration === 'once' || (coupon.duration === 'repeating' && applied >= (coupon.durationInPeriods ?? 0));
    await tx.discount.update({ where: { id: discountId }, data: { periodsApplied: applied, ...(finished ? { endedAt: now } : {}) } });
  }
  if (discounts.length > 0) await tx.invoice.update({ where: { id: invoiceId }, data: { consumedDiscountIds: discounts.map((d) => d.discountId) } });
}

/**
 * A voided invoice gives back the period it counted against each discount: a `once` coupon it
 * used applies again to the next invoice, a `repeating` one has a period more (as Lago does;
 * Stripe keeps the period used). Discounts are ended only by consumption, so one that is given a
 * period back is open again. The caller holds the invoice's lock, taken before the discounts'.
 */
export async function restoreConsumedDiscounts(tx: Prisma.TransactionClient, tenantId: string, discountIds: readonly string[]): Promise<void> {
  if (discountIds.length === 0) return;
  const rows = await tx.$queryRaw<Array<{ id: string; periods_applied: number }>>`
    SELECT id, periods_applied FROM discounts WHERE tenant_id = ${tenantId} AND id = ANY(${[...discountIds]}::text[]) ORDER BY id FOR UPDATE`;
  for (const row of rows) {
    await tx.discount.update({ where: { id: row.id }, data: { periodsApplied: Math.max(0, row.periods_applied - 1), endedAt: null } });
  }
}
