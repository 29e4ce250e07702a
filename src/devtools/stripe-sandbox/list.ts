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

/**
 * Stripe's `created` list filter: an exact Unix time, or any of `gt`, `gte`, `lt`, `lte`.
 * Returns the predicate over an object's `created` (seconds).
 */
export function createdFilter(params: FormParams): (created: number) => boolean {
  const value = params.created;
  if (value === undefined || value === '') return () => true;
  const seconds = (raw: unknown, param: string): number => {
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw invalidParam(`Invalid integer: ${String(raw)}`, param);
    return Number(raw);
  };
  if (typeof value === 'string') {
    const exact = seconds(value, 'created');
    return (created) => created === exact;
  }
  if (Array.isArray(value) || typeof value !== 'object' || value === null) throw invalidParam('Invalid object', 'created');
  const bounds = value as Record<string, unknown>;
  for (const key of Object.keys(bounds)) if (!['gt', 'gte', 'lt', 'lte'].includes(key)) throw invalidParam(`Received unknown parameter: created[${key}]`, `created[${key}]`);
  const gt = bounds.gt === undefined ? null : seconds(bounds.gt, 'created[gt]');
  const gte = bounds.gte === undefined ? null : seconds(bounds.gte, 'created[gte]');
  const lt = bounds.lt === undefined ? null : seconds(bounds.lt, 'created[lt]');
  const lte = bounds.lte === undefined ? null : seconds(bounds.lte, 'created[lte]');
  return (created) => (gt === null || created > gt) && (gte === null || created >= gte) && (lt === null || created < lt) && (lte === null || created <= lte);
}
