import { type FormParams, readStringArray } from './params.js';
import { invalidParam } from './stripe-error.js';

/**
 * The payment method types an intent allows. API version 2026-10-28 renamed
 * `payment_method_types` to `allowed_payment_method_types`; both are accepted so callers on either
 * version work. The sandbox only has cards.
 */
export function readAllowedPaymentMethodTypes(params: FormParams): { types: string[]; explicit: boolean } {
  const allowed = readStringArray(params, 'allowed_payment_method_types');
  const legacy = readStringArray(params, 'payment_method_types');
  const name = allowed === undefined ? 'payment_method_types' : 'allowed_payment_method_types';
  const types = allowed ?? legacy ?? ['card'];
  types.forEach((type, index) => {
    if (type !== 'card') {
      throw invalidParam(
        `The payment method type "${type}" is invalid. The Stripe sandbox supports card only.`,
        `${name}[${index}]`,
        'payment_method_invalid_parameter',
      );
    }
  });
  return { types, explicit: allowed !== undefined || legacy !== undefined };
}
