import { z } from 'zod';
import type { PrismaClient } from '../../db/prisma-client.js';
import { newId } from '../../ids.js';
import type { PaymentGateway } from '../../payments/gateway.js';
import { idSchema, parseInput } from '../validation.js';
import { ensureGatewayCustomer } from './ensure-gateway-customer.js';
import type { PaymentMethodSetupView } from './views.js';

const startPaymentMethodSetupInput = z.object({
  tenantId: idSchema,
  customerId: idSchema,
  /**
   * Names this setup: the same key returns the same setup (and client secret) when repeated.
   * Defaults to a fresh one. Stripe keys are at most 255 characters; ours add a prefix.
   */
  setupKey: idSchema.max(200).optional(),
});

export type StartPaymentMethodSetupInput = z.input<typeof startPaymentMethodSetupInput>;

/**
 * Starts collecting a payment method at the gateway (a Stripe SetupIntent) and returns the client
 * secret the customer's browser confirms it with. The card is only ours once the front end has
 * confirmed it and `setDefaultPaymentMethod` has saved it.
 */
export async function startPaymentMethodSetup(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: StartPaymentMethodSetupInput,
): Promise<PaymentMethodSetupView> {
  const { tenantId, customerId, setupKey } = parseInput(startPaymentMethodSetupInput, input);
  const gatewayCustomerId = await ensureGatewayCustomer(prisma, gateway, { tenantId, customerId });
  // The gateway's idempotency key is `setup:<setupRequestId>`, global to the gateway account:
  // scoping the caller's key by our customer id (globally unique) keeps two tenants' "retry-1"
  // from colliding, and from ever returning one customer's client secret to another.
  const setupRequestId = `${customerId}:${setupKey ?? newId('setup')}`;
  const setup = await gateway.createPaymentMethodSetup({ tenantId, customerId, gatewayCustomerId, setupRequestId });
  return { object: 'payment_method_setup', customerId, setupId: setup.setupIntentId, clientSecret: setup.clientSecret };
}
