import type { ExpandTarget } from './expand.js';
import type { OperationContext } from './operation-context.js';
import { assertKnownParams, type FormParams } from './params.js';
import { listCharges, retrieveCharge } from './resources/charges.js';
import { createCustomer, listCustomerPaymentMethods, retrieveCustomer, updateCustomer } from './resources/customers.js';
import { listEvents, retrieveEvent } from './resources/events.js';
import {
  cancelPaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  listPaymentIntents,
  retrievePaymentIntent,
  updatePaymentIntent,
} from './resources/payment-intents.js';
import { attachPaymentMethod, detachPaymentMethod, retrievePaymentMethod } from './resources/payment-methods.js';
import { createRefund, listRefunds, retrieveRefund } from './resources/refunds.js';
import { confirmSetupIntent, createSetupIntent, retrieveSetupIntent } from './resources/setup-intents.js';

/** One Stripe endpoint: `path` is under /v1, `target` is the object type the answer holds (for `expand`). */
export interface StripeRoute {
  method: 'GET' | 'POST';
  path: string;
  target: ExpandTarget;
  run(ctx: OperationContext, params: FormParams, id: string): unknown;
}

/** A retrieval takes no parameter but `expand`. */
const retrieve =
  <T>(fn: (ctx: OperationContext, id: string) => T) =>
  (ctx: OperationContext, params: FormParams, id: string): T => {
    assertKnownParams(params, {});
    return fn(ctx, id);
  };

export const STRIPE_ROUTES: readonly StripeRoute[] = [
  { method: 'POST', path: '/customers', target: 'customer', run: (ctx, params) => createCustomer(ctx, params) },
  { method: 'GET', path: '/customers/:id', target: 'customer', run: retrieve(retrieveCustomer) },
  { method: 'POST', path: '/customers/:id', target: 'customer', run: (ctx, params, id) => updateCustomer(ctx, id, params) },
  {
    method: 'GET',
    path: '/customers/:id/payment_methods',
    target: 'list:payment_method',
    run: (ctx, params, id) => listCustomerPaymentMethods(ctx, id, params),
  },
  { method: 'GET', path: '/payment_methods/:id', target: 'payment_method', run: retrieve(retrievePaymentMethod) },
  { method: 'POST', path: '/payment_methods/:id/attach', target: 'payment_method', run: (ctx, params, id) => attachPaymentMethod(ctx, id, params) },
  {
    method: 'POST',
    path: '/payment_methods/:id/detach',
    target: 'payment_method',
    run: (ctx, params, id) => {
      assertKnownParams(params, {});
      return detachPaymentMethod(ctx, id);
    },
  },
  { method: 'POST', path: '/setup_intents', target: 'setup_intent', run: (ctx, params) => createSetupIntent(ctx, params) },
  { method: 'GET', path: '/setup_intents/:id', target: 'setup_intent', run: retrieve(retrieveSetupIntent) },
  { method: 'POST', path: '/setup_intents/:id/confirm', target: 'setup_intent', run: (ctx, params, id) => confirmSetupIntent(ctx, id, params) },
  { method: 'POST', path: '/payment_intents', target: 'payment_intent', run: (ctx, params) => createPaymentIntent(ctx, params) },
  { method: 'GET', path: '/payment_intents', target: 'list:payment_intent', run: (ctx, params) => listPaymentIntents(ctx, params) },
  { method: 'GET', path: '/payment_intents/:id', target: 'payment_intent', run: retrieve(retrievePaymentIntent) },
  { method: 'POST', path: '/payment_intents/:id', target: 'payment_intent', run: (ctx, params, id) => updatePaymentIntent(ctx, id, params) },
  {
    method: 'POST',
    path: '/payment_intents/:id/confirm',
    target: 'payment_intent',
    run: (ctx, params, id) => confirmPaymentIntent(ctx, id, params),
  },
  { method: 'POST', path: '/payment_intents/:id/cancel', target: 'payment_intent', run: (ctx, params, id) => cancelPaymentIntent(ctx, id, params) },
  { method: 'POST', path: '/refunds', target: 'refund', run: (ctx, params) => createRefund(ctx, params) },
  { method: 'GET', path: '/refunds', target: 'list:refund', run: (ctx, params) => listRefunds(ctx, params) },
  { method: 'GET', path: '/refunds/:id', target: 'refund', run: retrieve(retrieveRefund) },
  { method: 'GET', path: '/charges', target: 'list:charge', run: (ctx, params) => listCharges(ctx, params) },
  { method: 'GET', path: '/charges/:id', target: 'charge', run: retrieve(retrieveCharge) },
  { method: 'GET', path: '/events', target: 'list:event', run: (ctx, params) => listEvents(ctx, params) },
  { method: 'GET', path: '/events/:id', target: 'event', run: retrieve(retrieveEvent) },
];
