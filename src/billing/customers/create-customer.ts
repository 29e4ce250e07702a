import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import type { PaymentGateway } from '../../payments/gateway.js';
import { isUniqueViolation, runInTransaction, toJson } from '../db.js';
import { writeOutboxEvents } from '../outbox/write-outbox-events.js';
import { failure, notFound } from '../failures.js';
import { currencySchema, idSchema, metadataSchema, parseInput } from '../validation.js';
import { ensureGatewayCustomer } from './ensure-gateway-customer.js';

const createCustomerInput = z.object({
  tenantId: idSchema,
  email: z.email().nullish(),
  name: z.string().trim().min(1).nullish(),
  currency: currencySchema,
  // Tax rates are looked up by jurisdiction code; one spelling (upper case) makes that a plain match.
  taxJurisdiction: z
    .string()
    .trim()
    .min(1)
    .transform((code) => code.toUpperCase())
    .nullish(),
  externalId: z.string().trim().min(1).nullish(),
  metadata: metadataSchema.optional(),
  /** A caller-chosen id (the API derives one from the Idempotency-Key, so a retried create finds its row). */
  id: idSchema.optional(),
});

export type CreateCustomerInput = z.input<typeof createCustomerInput>;

export interface CreatedCustomer {
  customerId: string;
  tenantId: string;
  currency: string;
  gatewayCustomerId: string;
}

/**
 * Creates the customer, then its gateway customer. The row comes first so the gateway carries our
 * id; if the gateway call fails the row stays without one, and the next caller of
 * `ensureGatewayCustomer` (a retry, or the first charge) creates it with the same idempotency key.
 */
export async function createCustomer(prisma: PrismaClient, gateway: PaymentGateway, input: CreateCustomerInput): Promise<CreatedCustomer> {
  const parsed = parseInput(createCustomerInput, input);
  if ((await prisma.tenant.count({ where: { id: parsed.tenantId } })) === 0) throw notFound('tenant', parsed.tenantId);
  const id = parsed.id ?? newId('cust');
  try {
    await runInTransaction(prisma, async (tx) => {
      await tx.customer.create({
        data: {
          id,
          tenantId: parsed.tenantId,
          email: parsed.email ?? null,
          name: parsed.name ?? null,
          currency: parsed.currency,
          taxJurisdiction: parsed.taxJurisdiction ?? null,
          externalId: parsed.externalId ?? null,
          metadata: toJson(parsed.metadata ?? {}),
        },
      });
      await writeOutboxEvents(tx, parsed.tenantId, [
        {
          type: 'customer.created',
          aggregateType: 'customer',
          aggregateId: id,
          dedupeKey: `customer:${id}:created`,
          payload: { customerId: id, externalId: parsed.externalId ?? null, email: parsed.email ?? null, currency: parsed.currency ?? null },
        },
      ]);
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The same id again is a retried create whose first attempt stored the row: finish it.
    const retried = parsed.id !== undefined && (await prisma.customer.count({ where: { id, tenantId: parsed.tenantId } })) === 1;
    if (!retried) {
      throw failure('customer_already_exists', `A customer with external id ${parsed.externalId ?? ''} exists`, { externalId: parsed.externalId });
    }
  }
  const gatewayCustomerId = await ensureGatewayCustomer(prisma, gateway, { tenantId: parsed.tenantId, customerId: id });
  return { customerId: id, tenantId: parsed.tenantId, currency: parsed.currency, gatewayCustomerId };
}
