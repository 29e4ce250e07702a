import type { PaymentGateway } from '../../payments/gateway.js';
import type { Db } from '../db.js';
import { notFound } from '../failures.js';

/**
 * The customer's id at the gateway, creating it there if we have none yet. Safe to repeat and to
 * race: the gateway dedupes creation by our customer id (`customer:<id>:create`), so every caller
 * gets the same gateway customer, and the first stored id wins.
 */
export async function ensureGatewayCustomer(
  db: Db,
  gateway: PaymentGateway,
  query: { tenantId: string; customerId: string },
): Promise<string> {
  const customer = await db.customer.findFirst({ where: { id: query.customerId, tenantId: query.tenantId } });
  if (customer === null) throw notFound('customer', query.customerId);
  if (customer.gatewayCustomerId !== null) return customer.gatewayCustomerId;
  const { gatewayCustomerId } = await gateway.createCustomer({
    tenantId: customer.tenantId,
    customerId: customer.id,
    email: customer.email,
    name: customer.name,
  });
  await db.customer.updateMany({
    where: { id: customer.id, tenantId: customer.tenantId, gatewayCustomerId: null },
    data: { gatewayCustomerId },
  });
  const stored = await db.customer.findFirstOrThrow({ where: { id: customer.id, tenantId: customer.tenantId } });
  return stored.gatewayCustomerId ?? gatewayCustomerId;
}
