import type { Db } from '../db.js';
import { failure } from '../failures.js';

/**
 * A customer's usage of a meter is billed by one subscription at a time: a second live
 * subscription with a price on the same meter would bill every event twice
 * (`meter_already_billed`).
 */
export async function assertMetersNotBilledElsewhere(db: Db, input: { tenantId: string; customerId: string; meterIds: readonly string[]; exceptSubscriptionId?: string }): Promise<void> {
  if (input.meterIds.length === 0) return;
  const other = await db.subscriptionItem.findFirst({
    where: {
      tenantId: input.tenantId,
      price: { meterId: { in: [...input.meterIds] } },
      subscription: { customerId: input.customerId, status: { not: 'canceled' }, ...(input.exceptSubscriptionId === undefined ? {} : { id: { not: input.exceptSubscriptionId } }) },
    },
    select: { subscriptionId: true, price: { select: { meterId: true } } },
  });
  if (other !== null) {
    throw failure('meter_already_billed', `Subscription ${other.subscriptionId} already bills this customer's usage of meter ${other.price.meterId ?? ''}`, {
      subscriptionId: other.subscriptionId,
      meterId: other.price.meterId,
    });
  }
}
