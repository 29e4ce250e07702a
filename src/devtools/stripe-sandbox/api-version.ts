import Stripe from 'stripe';

/** The API version the sandbox speaks: the one the installed SDK pins, so their shapes agree. */
export const SANDBOX_API_VERSION: string = Stripe.API_VERSION;
