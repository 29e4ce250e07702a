import { type FormParams, readString } from './params.js';
import { invalidParam } from './stripe-error.js';
import type { StripeList } from './stripe-objects.js';

/**
 * A Stripe list page: newest first, `limit` 1–100 (default 10), cursor pagination with
 * `starting_after` / `ending_before` object ids.
 */
export function listOf<T extends { id: string }>(items: readonly T[], url: string, params: FormParams, limit = 10): StripeList<T> {
  if (limit < 1 || limit > 100) throw invalidParam('This value must be between 1 and 100.', 'limit');
  let newestFirst = [...items].reverse();
  const after = readString(params, 'starting_after');
  const before = readString(params, 'ending_before');
  if (after) newestFirst = newestFirst.slice(newestFirst.findIndex((item) => item.id === after) + 1);
  if (before) {
    const index = newestFirst.findIndex((item) => item.id === before);
    newestFirst = newestFirst.slice(Math.max(0, index - limit), Math.max(0, index));
  }
  return { object: 'list', data: newestFirst.slice(0, limit), has_more: newestFirst.length > limit, url };
}
