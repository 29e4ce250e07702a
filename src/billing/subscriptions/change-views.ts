import type { ChangeItemsResult, ChangePreview, LiveSubscriptionView } from './subscription-workflows.js';

/**
 * The workflow's answers in the API's one convention: money is an integer of minor units with the
 * currency named once on the object, and a count of units is an integer — as invoices are. The
 * workflow keeps `Money` values internally; only these views leave it.
 */

export interface ProrationLinePreviewView {
  priceId: string;
  kind: 'unused_time' | 'remaining_time' | 'new_period';
  description: string;
  /** Minor units; negative for the credit of unused time. */
  amount: number;
  quantity: number;
  periodStart: string;
  periodEnd: string;
}

export interface ChangePreviewView {
  direction: ChangePreview['direction'];
  effective: ChangePreview['effective'];
  effectiveAt: string;
  prorationBehavior: ChangePreview['prorationBehavior'];
  currency: string;
  lines: ProrationLinePreviewView[];
  credit: number;
  charge: number;
  net: number;
  anchorReset: boolean;
}

export type ChangeResultView = Omit<ChangeItemsResult, 'preview'> & { preview: ChangePreviewView };

export type LiveStateView = Omit<LiveSubscriptionView, 'pendingProrations'> & {
  /** Proration lines waiting for the next invoice, in minor units of `currency`. */
  pendingProrations: number;
  currency: string;
};

export function toChangePreviewView(preview: ChangePreview): ChangePreviewView {
  return {
    direction: preview.direction,
    effective: preview.effective,
    effectiveAt: preview.effectiveAt,
    prorationBehavior: preview.prorationBehavior,
    currency: preview.net.currency.toUpperCase(),
    lines: preview.lines.map((line) => ({
      priceId: line.priceId,
      kind: line.kind,
      description: line.description,
      amount: line.amount.amount,
      // The items' quantities are whole numbers (the change request's rule), so the decimal is exact.
      quantity: Number(line.quantity),
      periodStart: line.periodStart,
      periodEnd: line.periodEnd,
    })),
    credit: preview.credit.amount,
    charge: preview.charge.amount,
    net: preview.net.amount,
    anchorReset: preview.anchorReset,
  };
}

export function toChangeResultView(result: ChangeItemsResult): ChangeResultView {
  return { ...result, preview: toChangePreviewView(result.preview) };
}

export function toLiveStateView(live: LiveSubscriptionView): LiveStateView {
  return { ...live, pendingProrations: live.pendingProrations.amount, currency: live.pendingProrations.currency.toUpperCase() };
}
