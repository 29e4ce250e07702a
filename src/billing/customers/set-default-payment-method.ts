import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import { GatewayRequestError, PaymentMethodRejectedError } from '../../payments/gateway.js';
import type { PaymentGateway, PaymentMethodSummary } from '../../payments/gateway.js';
import { runInTransaction } from '../db.js';
import { failure, notFound } from '../failures.js';
import { idSchema, parseInput } from '../validation.js';
import { ensureGatewayCustomer } from './ensure-gateway-customer.js';

const setDefaultPaymentMethodInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  gatewayPaymentMethodId: idSchema,
});

export type SetDefaultPaymentMethodInput = z.input<typeof setDefaultPaymentMethodInput>;

export interface DefaultPaymentMethod {
  paymentMethodId: string;
  gatewayPaymentMethodId: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

async function attachAtGateway(gateway: PaymentGateway, gatewayCustomerId: string, paymentMethodId: string): Promise<PaymentMethodSummary> {
  try {
    return await gateway.setDefaultPaymentMethod({ gatewayCustomerId, paymentMethodId });
  } catch (error) {
    // The card was refused when saved: the customer's problem to fix, not a failure to retry.
    if (error instanceof PaymentMethodRejectedError) {
      throw failure('payment_method_rejected', error.message, { code: error.code, declineCode: error.declineCode });
    }
    // An id the gateway does not know, or one attached to someone else: one answer for both, so
    // nobody learns whether another customer's payment method exists.
    if (error instanceof GatewayRequestError) {
      // A test token (pm_card_…) names no one's card, so saying it is unknown gives nothing away.
      if (error.code === 'resource_missing' && paymentMethodId.startsWith('pm_card_')) {
        throw failure(
          'payment_method_unusable',
          `${paymentMethodId} is not a test payment method the gateway knows; use one of Stripe's test cards (https://docs.stripe.com/testing), such as pm_card_visa`,
          { paymentMethodId },
        );
      }
      throw failure(
        'payment_method_unusable',
        'The payment gateway has no payment method with this id that this customer can use (it does not exist, or belongs to another customer); collect one with a payment method setup',
        { paymentMethodId },
      );
    }
    throw error;
  }
}

/**
 * Makes a payment method the customer's default: at the gateway first (attach + default, both
 * idempotent), then our reference row (upserted by the gateway's id, so repeating is harmless) and
 * the customer's pointer to it, in one transaction.
 */
export async function setDefaultPaymentMethod(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: SetDefaultPaymentMethodInput,
): Promise<DefaultPaymentMethod> {
  const { tenantId, customerId, gatewayPaymentMethodId } = parseInput(setDefaultPaymentMethodInput, input);
  const gatewayCustomerId = await ensureGatewayCustomer(prisma, gateway, { tenantId, customerId });
  const summary = await attachAtGateway(gateway, gatewayCustomerId, gatewayPaymentMethodId);
  return runInTransaction(prisma, async (tx) => {
    const details = { brand: summary.brand, last4: summary.last4, expMonth: summary.expMonth, expYear: summary.expYear };
    const method = await tx.paymentMethod.upsert({
      where: { tenantId_gatewayPaymentMethodId: { tenantId, gatewayPaymentMethodId: summary.paymentMethodId } },
      create: { id: newId('pm'), tenantId, customerId, gatewayPaymentMethodId: summary.paymentMethodId, ...details },
      update: { ...details, detachedAt: null },
    });
    if (method.customerId !== customerId) throw notFound('payment_method', summary.paymentMethodId);
    await tx.customer.updateMany({ where: { id: customerId, tenantId }, data: { defaultPaymentMethodId: method.id } });
    return { paymentMethodId: method.id, gatewayPaymentMethodId: method.gatewayPaymentMethodId, ...details };
  });
}
