import { createdFilter, listOf } from '../list.js';
import type { OperationContext } from '../operation-context.js';
import { assertKnownParams, type FormParams, readInteger, readString, readStringArray } from '../params.js';
import { resourceMissing } from '../stripe-error.js';
import type { StripeEventShape, StripeList } from '../stripe-objects.js';

export function retrieveEvent(ctx: OperationContext, id: string): StripeEventShape {
  const event = ctx.state.events.find((e) => e.id === id);
  if (!event) throw resourceMissing('event', id, 'id');
  return event;
}

/** Stripe's event list, newest first, filterable by `type` or `types[]` (what reconciliation polls). */
export function listEvents(ctx: OperationContext, params: FormParams): StripeList<StripeEventShape> {
  assertKnownParams(params, {
    type: true,
    types: true,
    limit: true,
    starting_after: true,
    ending_before: true,
    created: true,
    delivery_success: true,
  });
  const type = readString(params, 'type');
  const types = readStringArray(params, 'types');
  const matches = (eventType: string): boolean => {
    if (types !== undefined) return types.includes(eventType);
    if (type === undefined) return true;
    // Stripe allows one trailing wildcard: `payment_intent.*`.
    return type.endsWith('*') ? eventType.startsWith(type.slice(0, -1)) : eventType === type;
  };
  const created = createdFilter(params);
  return listOf(ctx.state.events.filter((e) => matches(e.type) && created(e.created)), '/v1/events', params, readInteger(params, 'limit'));
}
