import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import type { Customer, Prisma } from '../../generated/prisma/client.js';
import { newId } from '../../ids.js';
import { writeOutboxEvents, type OutboxEventRow } from '../outbox/write-outbox-events.js';
import type { PaymentGateway, UpdateGatewayCustomer } from '../../payments/gateway.js';
import { isUniqueViolation, runInTransaction, toJson } from '../db.js';
import { failure, notFound } from '../failures.js';
import { lockCustomer } from '../locks.js';
import { currencySchema, idSchema, metadataSchema, parseInput } from '../validation.js';
import { toCustomerView, withDefaultPaymentMethod } from './views.js';
import type { CustomerView } from './views.js';

const FIELDS = ['email', 'name', 'currency', 'taxJurisdiction', 'externalId', 'metadata'] as const;

// Absent leaves a field as it is; null clears it (where the field may be empty).
const updateCustomerInput = z
  .object({
    tenantId: idSchema,
    customerId: idSchema,
    email: z.email().nullable().optional(),
    name: z.string().trim().min(1).nullable().optional(),
    currency: currencySchema.optional(),
    // Upper case, as createCustomer stores it: tax rates are matched by plain equality.
    taxJurisdiction: z
      .string()
      .trim()
      .min(1)
      .transform((code) => code.toUpperCase())
      .nullable()
      .optional(),
    externalId: z.string().trim().min(1).nullable().optional(),
    /** Replaces the whole metadata object. */
    metadata: metadataSchema.optional(),
  })
  .refine((input) => FIELDS.some((field) => input[field] !== undefined), { message: `Give at least one of ${FIELDS.join(', ')}` });

export type UpdateCustomerInput = z.input<typeof updateCustomerInput>;

/** Invoices and subscriptions carry the currency they were made in; changing it under them would mix currencies. */
async function assertCurrencyUnlocked(tx: Prisma.TransactionClient, tenantId: string, customerId: string): Promise<void> {
  const [subscriptions, invoices] = await Promise.all([
    tx.subscription.count({ where: { tenantId, customerId } }),
    tx.invoice.count({ where: { tenantId, customerId } }),
  ]);
  if (subscriptions > 0 || invoices > 0) {
    throw failure('customer_currency_locked', `Customer ${customerId} has subscriptions or invoices; its currency can no longer change`, {
      subscriptions,
      invoices,
    });
  }
}

/** `customer.updated` naming the fields whose value changed, with their values before; none if nothing did. */
function customerUpdatedEvent(before: Customer, after: Customer): OutboxEventRow[] {
  const changed = FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
  if (changed.length === 0) return [];
  const previous = Object.fromEntries(changed.map((field) => [field, before[field]]));
  return [
    {
      type: 'customer.updated',
      aggregateType: 'customer',
      aggregateId: after.id,
      dedupeKey: `customer:${after.id}:updated:${after.updatedAt.getTime()}:${newId('chg')}`,
      payload: { customerId: after.id, changed: [...changed], previous },
    },
  ];
}

/**
 * Changes the given fields and returns the customer. The row is locked so the currency check and
 * the change cannot interleave with another update. Email and name are then pushed to the gateway
 * whenever given (not only when they differ): if that call failed after our commit, repeating the
 * same update is what repairs the gateway's copy.
 */
export async function updateCustomer(prisma: PrismaClient, gateway: PaymentGateway, input: UpdateCustomerInput): Promise<CustomerView> {
  const { tenantId, customerId, metadata, ...fields } = parseInput(updateCustomerInput, input);
  let customer;
  try {
    customer = await runInTransaction(prisma, async (tx) => {
      if (!(await lockCustomer(tx, tenantId, customerId))) throw notFound('customer', customerId);
      const current = await tx.customer.findFirstOrThrow({ where: { id: customerId, tenantId } });
      if (fields.currency !== undefined && fields.currency !== current.currency) await assertCurrencyUnlocked(tx, tenantId, customerId);
      const updated = await tx.customer.update({
        where: { id: customerId, tenantId },
        data: { ...fields, ...(metadata === undefined ? {} : { metadata: toJson(metadata) }) },
        include: withDefaultPaymentMethod,
      });
      await writeOutboxEvents(tx, tenantId, customerUpdatedEvent(current, updated));
      return updated;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw failure('customer_already_exists', `A customer with external id ${fields.externalId ?? ''} exists`, { externalId: fields.externalId });
    }
    throw error;
  }
  const pushed: UpdateGatewayCustomer = {
    ...(fields.email === undefined ? {} : { email: fields.email }),
    ...(fields.name === undefined ? {} : { name: fields.name }),
  };
  // Without a gateway customer yet, ensureGatewayCustomer creates it later from the row as updated.
  if (customer.gatewayCustomerId !== null && Object.keys(pushed).length > 0) await gateway.updateCustomer(customer.gatewayCustomerId, pushed);
  return toCustomerView(customer);
}
