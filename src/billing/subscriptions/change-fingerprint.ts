import type { ChangeItemsRequest } from './subscription-workflows.js';

/**
 * What a change asks for, as one canonical string: a changeId names one request, and the same id
 * with different items is refused (409 change_id_reused) rather than answered with the first
 * result, as Idempotency-Key is. Pure and deterministic, so workflow code computes it too.
 */
export function changeRequestFingerprint(request: Pick<ChangeItemsRequest, 'items' | 'prorationBehavior' | 'effective'>): string {
  return JSON.stringify([request.items.map((item) => [item.priceId, item.quantity]), request.prorationBehavior ?? null, request.effective ?? null]);
}
