import {
  computeProration,
  priceUsage,
  type BillingInterval,
  type BillingPeriod,
  type ProrationResult,
} from '../src/domain/index.js';
import type { InvoiceLineDraft, ItemState } from './subscription-state.js';

/**
 * Pure line drafting for the subscription workflow, on the domain's arithmetic. The same
 * functions price previews and invoices, so a preview is exactly what gets invoiced.
 */

function itemLabel(item: ItemState): string {
  return item.quantity === 1 ? item.price.productName : `${item.quantity} × ${item.price.productName}`;
}

/** The recurring fee of every licensed item for one period, billed in advance. */
export function recurringLines(items: readonly ItemState[], period: BillingPeriod): InvoiceLineDraft[] {
  // Metered items are billed in arrears from usage, not as a fee in advance.
  return items
    .filter((item) => item.price.usageType === 'licensed')
    .map((item) => {
      const priced = priceUsage(item.price.definition, item.quantity);
      return {
        kind: 'recurring',
        description: itemLabel(item),
        priceId: item.priceId,
        quantity: item.quantity,
        unitAmountDecimal: priced.unitAmount,
        amount: priced.amount,
        periodStart: period.start,
        periodEnd: period.end,
        discountable: true,
      };
    });
}

function asProrationItems(items: readonly ItemState[]) {
  return items
    .filter((item) => item.price.usageType === 'licensed')
    .map((item) => ({ key: item.priceId, price: item.price.definition, quantity: item.quantity, description: item.price.productName }));
}

/** The proration of moving from `current` to `next` items at `at` inside `period`. */
export function prorate(
  current: readonly ItemState[],
  next: readonly ItemState[],
  period: BillingPeriod,
  at: number,
  interval: BillingInterval,
  newInterval: BillingInterval,
): ProrationResult {
  return computeProration({
    period: { start: period.start, end: period.end },
    at,
    interval,
    newInterval,
    currentItems: asProrationItems(current),
    newItems: asProrationItems(next),
    unit: 'second',
  });
}

export function prorationLineDrafts(result: ProrationResult): InvoiceLineDraft[] {
  return result.lines.map((line) => ({
    kind: 'proration',
    description: line.description,
    priceId: line.itemKey,
    quantity: Number.isSafeInteger(Number(line.quantity)) ? Number(line.quantity) : null,
    unitAmountDecimal: null,
    amount: line.amount,
    periodStart: line.periodStart,
    periodEnd: line.periodEnd,
    // A credit for unused time is not discounted again; the new charge is.
    discountable: line.amount.amount > 0,
  }));
}
